"""Weekly availability as 168 one-hour UTC slots, and the overlap of two people in hours.

Time zones are converted with the IANA database at a fixed reference week (the first full week
of 2025, standard time in the northern hemisphere) so a run is reproducible whatever the date;
offsets are rounded to whole hours (a +05:30 zone counts as +06:00).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from .errors import InvalidInstance
from .people import WeeklySlot

__all__ = ["HOURS_PER_WEEK", "overlap_hours", "utc_offset_hours", "week_slots", "weekly"]

HOURS_PER_WEEK = 168
_REFERENCE_MONDAY = datetime(2025, 1, 6, 12, 0)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@lru_cache(maxsize=1024)
def utc_offset_hours(time_zone: str) -> int:
    """Return the zone's UTC offset in whole hours during the reference week.

    Examples
    --------
    >>> utc_offset_hours("Europe/Paris"), utc_offset_hours("America/New_York")
    (1, -5)
    >>> utc_offset_hours("UTC")
    0
    """
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidInstance(f"unknown time zone {time_zone!r}") from error
    offset = _REFERENCE_MONDAY.replace(tzinfo=zone).utcoffset()
    seconds = 0.0 if offset is None else offset.total_seconds()
    return math.floor(seconds / 3600 + 0.5)


def weekly(spec: str) -> tuple[WeeklySlot, ...]:
    """Parse ``"Mon 09-11, Wed 14-16"`` into weekly slots (local time).

    Examples
    --------
    >>> weekly("Mon 09-11, wed 14-16")
    (WeeklySlot(day=0, start_hour=9, end_hour=11), WeeklySlot(day=2, start_hour=14, end_hour=16))
    """
    slots = []
    for part in filter(None, (chunk.strip() for chunk in spec.split(","))):
        day_name, _, hours = part.partition(" ")
        start, _, end = hours.partition("-")
        try:
            slots.append(WeeklySlot(_DAYS.index(day_name.lower()[:3]), int(start), int(end)))
        except ValueError as error:
            raise InvalidInstance(f"cannot read availability {part!r}") from error
    return tuple(slots)


def week_slots(slots: Iterable[WeeklySlot], time_zone: str) -> npt.NDArray[np.bool_]:
    """Return the 168 UTC hours of the week (Monday 00:00 UTC first) the person is free.

    Examples
    --------
    >>> free = week_slots(weekly("Mon 09-11"), "Europe/Paris")
    >>> np.flatnonzero(free).tolist()
    [8, 9]
    >>> np.flatnonzero(week_slots(weekly("Mon 00-01"), "Europe/Paris")).tolist()
    [167]
    """
    offset = utc_offset_hours(time_zone)
    free = np.zeros(HOURS_PER_WEEK, dtype=np.bool_)
    for slot in slots:
        if not (0 <= slot.day <= 6 and 0 <= slot.start_hour <= slot.end_hour <= 24):
            raise InvalidInstance(f"invalid availability slot {slot}")
        start = slot.day * 24 + slot.start_hour - offset
        hours = np.arange(start, start + slot.hours) % HOURS_PER_WEEK
        free[hours] = True
    return free


def overlap_hours(a: npt.NDArray[np.bool_], b: npt.NDArray[np.bool_]) -> float:
    """Return the hours per week both people are free (slots from :func:`week_slots`).

    Examples
    --------
    >>> paris = week_slots(weekly("Mon 09-11"), "Europe/Paris")
    >>> utc = week_slots(weekly("Mon 08-12"), "UTC")
    >>> overlap_hours(paris, utc)
    2.0
    """
    return float(np.count_nonzero(a & b))
