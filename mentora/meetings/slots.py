"""Common free time: weekly availability in each person's own zone → UTC intervals → overlap.

Pure Python (no Django import): the time arithmetic lives here and is tested on its own, including
across daylight-saving changes, where a person's 09:00 moves by an hour in UTC.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

__all__ = ["Interval", "Person", "common_free_intervals", "free_slots", "weekly_to_utc"]

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Person:
    """Someone's weekly availability: (weekday 0=Monday, start minute, end minute) in `timezone`."""

    timezone: str
    weekly: Sequence[tuple[int, int, int]]


def _local_to_utc(day: date, minute: int, zone: zoneinfo.ZoneInfo) -> datetime:
    # Wall-clock time on that day in that zone, converted with the offset in force then (DST-aware).
    naive = datetime.combine(day, time()) + timedelta(minutes=minute)
    return naive.replace(tzinfo=zone).astimezone(UTC)


def weekly_to_utc(person: Person, start: datetime, end: datetime) -> list[Interval]:
    """Expand weekly local availability into sorted, merged UTC intervals clipped to [start, end).

    >>> from datetime import UTC, datetime
    >>> paris = Person("Europe/Paris", [(0, 540, 600)])  # Mondays 09:00–10:00 in Paris
    >>> [a.strftime("%d %H:%M UTC") for a, _ in weekly_to_utc(  # summer time starts on 30 March
    ...     paris, datetime(2025, 3, 24, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC))]
    ['24 08:00 UTC', '31 07:00 UTC']
    """
    zone = zoneinfo.ZoneInfo(person.timezone)
    by_weekday: dict[int, list[tuple[int, int]]] = {}
    for weekday, start_minute, end_minute in person.weekly:
        by_weekday.setdefault(weekday, []).append((start_minute, end_minute))
    intervals: list[Interval] = []
    # One day of margin either side: a local day can start up to 14 h before or after UTC's.
    day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date() + timedelta(days=1)
    while day <= last_day:
        for start_minute, end_minute in by_weekday.get(day.weekday(), ()):
            begins, ends = _local_to_utc(day, start_minute, zone), _local_to_utc(day, end_minute, zone)
            begins, ends = max(begins, start), min(ends, end)
            if begins < ends:
                intervals.append((begins, ends))
        day += timedelta(days=1)
    return _merge(intervals)


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for begins, ends in sorted(intervals):
        if merged and begins <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], ends))
        else:
            merged.append((begins, ends))
    return merged


def _intersect(left: Sequence[Interval], right: Sequence[Interval]) -> list[Interval]:
    result: list[Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        begins, ends = max(left[i][0], right[j][0]), min(left[i][1], right[j][1])
        if begins < ends:
            result.append((begins, ends))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return result


def _subtract(intervals: Sequence[Interval], busy: Sequence[Interval]) -> list[Interval]:
    result: list[Interval] = []
    busy = _merge(busy)
    for begins, ends in intervals:
        cursor = begins
        for busy_begins, busy_ends in busy:
            if busy_ends <= cursor or busy_begins >= ends:
                continue
            if busy_begins > cursor:
                result.append((cursor, busy_begins))
            cursor = max(cursor, busy_ends)
        if cursor < ends:
            result.append((cursor, ends))
    return result


def common_free_intervals(
    people: Sequence[Person], start: datetime, end: datetime, busy: Sequence[Interval] = ()
) -> list[Interval]:
    """The UTC intervals in [start, end) when everyone is available and nobody is busy.

    >>> from datetime import UTC, datetime
    >>> a = Person("Europe/Paris", [(1, 540, 720)])       # Tuesdays 09:00–12:00 Paris (UTC+1 in January)
    >>> b = Person("America/New_York", [(1, 300, 420)])   # Tuesdays 05:00–07:00 New York (UTC-5)
    >>> [(x.strftime("%H:%M"), y.strftime("%H:%M")) for x, y in common_free_intervals(
    ...     [a, b], datetime(2025, 1, 14, tzinfo=UTC), datetime(2025, 1, 15, tzinfo=UTC))]
    [('10:00', '11:00')]
    """
    if not people:
        return []
    common = weekly_to_utc(people[0], start, end)
    for person in people[1:]:
        common = _intersect(common, weekly_to_utc(person, start, end))
        if not common:
            return []
    return _subtract(common, busy)


def free_slots(
    people: Sequence[Person], start: datetime, end: datetime, *, duration: timedelta,
    busy: Sequence[Interval] = (), step: timedelta = timedelta(minutes=30),
) -> list[Interval]:
    """Meeting-length slots (starting every `step` inside each common interval) that fit entirely.

    >>> from datetime import UTC, datetime, timedelta
    >>> a = Person("UTC", [(0, 600, 720)])
    >>> [s.strftime("%H:%M") for s, _ in free_slots(
    ...     [a], datetime(2025, 1, 13, tzinfo=UTC), datetime(2025, 1, 14, tzinfo=UTC), duration=timedelta(hours=1))]
    ['10:00', '10:30', '11:00']
    """
    slots: list[Interval] = []
    for begins, ends in common_free_intervals(people, start, end, busy):
        cursor = begins
        while cursor + duration <= ends:
            slots.append((cursor, cursor + duration))
            cursor += step
    return slots
