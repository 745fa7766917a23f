"""iCalendar (RFC 5545 / iTIP RFC 5546) for invites, cancellations and personal feeds.

Invites carry METHOD REQUEST or CANCEL, the meeting's stable UID, a SEQUENCE that grows with
every change, the organiser's VTIMEZONE, an ORGANIZER and one ATTENDEE per member. A recurring
series is one event with a weekly RRULE in the organiser's zone (so 10:00 stays 10:00 across
daylight-saving changes); one changed or cancelled occurrence is addressed by its RECURRENCE-ID.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vText

from mentora.meetings.models import Meeting, MeetingChannel, MeetingSeries, MeetingStatus

__all__ = ["Person", "feed_calendar", "invite_calendar"]

PRODID = "-//Mentora//Mentora meetings//EN"


@dataclass(frozen=True)
class Person:
    name: str
    email: str


def _address(person: Person, *, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = vText(person.name)
    if role:
        address.params["ROLE"] = vText(role)
        address.params["PARTSTAT"] = vText("NEEDS-ACTION")
        address.params["RSVP"] = vText("TRUE")
    return address


def _new_calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _describe(meeting: Meeting) -> str:
    lines = [f"{meeting.mentorship.program.name} — {meeting.get_channel_display()}"]
    if meeting.channel == MeetingChannel.VIDEO:
        lines.append(f"Join: {room_url(meeting)}")
    elif meeting.location:
        lines.append(meeting.location)
    if meeting.agenda:
        lines += ["", meeting.agenda]
    return "\n".join(lines)


def room_url(meeting: Meeting) -> str:
    from django.urls import reverse

    path = reverse("meetings:room", args=[meeting.mentorship.program.organization.slug, meeting.pk])
    return settings.MENTORA_BASE_URL.rstrip("/") + path


def meeting_url(meeting: Meeting) -> str:
    from django.urls import reverse

    path = reverse("meetings:detail", args=[meeting.mentorship.program.organization.slug, meeting.pk])
    return settings.MENTORA_BASE_URL.rstrip("/") + path


def _event(
    meeting: Meeting, *, organizer: Person | None, attendees: Sequence[Person], status: str, sequence: int,
    series: MeetingSeries | None = None, recurrence_id: datetime | None = None, uid: str | None = None,
    starts_at: datetime | None = None, ends_at: datetime | None = None,
) -> Event:
    zone = zoneinfo.ZoneInfo(meeting.timezone)
    event = Event()
    event.add("uid", uid or meeting.uid)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", (starts_at or meeting.starts_at).astimezone(zone))
    event.add("dtend", (ends_at or meeting.ends_at).astimezone(zone))
    event.add("sequence", sequence)
    event.add("status", status)
    event.add("summary", f"Mentoring: {meeting.mentorship.member_names()}")
    event.add("description", _describe(meeting))
    event.add("url", meeting_url(meeting))
    if meeting.channel == MeetingChannel.VIDEO:
        event.add("location", room_url(meeting))
    elif meeting.location:
        event.add("location", meeting.location)
    if series is not None:
        event.add("rrule", {"freq": "weekly", "interval": series.interval_weeks, "count": series.count})
    if recurrence_id is not None:
        event.add("recurrence-id", recurrence_id.astimezone(zone))
    if organizer is not None:
        event.add("organizer", _address(organizer))
    for person in attendees:
        event.add("attendee", _address(person, role="REQ-PARTICIPANT"))
    return event


def invite_calendar(
    meeting: Meeting, *, method: str, organizer: Person, attendees: Sequence[Person], whole_series: bool = False,
    also: Sequence[Meeting] = (),
) -> bytes:
    """One iTIP message about a meeting (or, with `whole_series`, its whole series).

    REQUEST creates or updates; CANCEL removes. For a series the master event carries the RRULE;
    a single occurrence of a series is addressed by UID + RECURRENCE-ID. `also` adds more
    occurrences of the same series (moved together), each addressed by its RECURRENCE-ID.
    """
    calendar = _new_calendar(method)
    status = "CANCELLED" if method == "CANCEL" else "CONFIRMED"
    series = meeting.series
    if series is not None and whole_series:
        # The master's times are the series' first occurrence as booked (even if that one moved since).
        event = _event(meeting, organizer=organizer, attendees=attendees, status=status, sequence=series.sequence,
                       series=series, starts_at=series.first_starts_at,
                       ends_at=series.first_starts_at + timedelta(minutes=series.duration_minutes))
    else:
        event = _event(meeting, organizer=organizer, attendees=attendees, status=status, sequence=meeting.sequence,
                       recurrence_id=meeting.recurrence_id)
    calendar.add_component(event)
    for other in also:
        calendar.add_component(_event(other, organizer=organizer, attendees=attendees, status=status,
                                      sequence=other.sequence, recurrence_id=other.recurrence_id))
    calendar.add_component(vtimezone(meeting.timezone))
    return bytes(calendar.to_ical())


def feed_calendar(meetings: Iterable[Meeting], *, name: str | None = None) -> bytes:
    """A calendar without METHOD (a subscription feed, or one meeting to download).

    It names every meeting exactly as the emailed invites do, so a calendar that has both merges
    them instead of showing a meeting twice: a single meeting is its UID; a series is its master
    event (the series' UID, RRULE and SEQUENCE) plus one override per occurrence, addressed by
    UID + RECURRENCE-ID with that occurrence's own SEQUENCE. Cancelled occurrences are EXDATEs.
    Pass occurrences with `series__meetings` prefetched to keep this to one query.
    """
    calendar = _new_calendar(None)
    if name:
        calendar.add("x-wr-calname", name)
    zones: set[str] = set()
    series_seen: set[int] = set()
    for meeting in meetings:
        zones.add(meeting.timezone)
        series = meeting.series
        if series is None:
            status = "CANCELLED" if meeting.is_cancelled else "CONFIRMED"
            calendar.add_component(_event(meeting, organizer=None, attendees=(), status=status, sequence=meeting.sequence))
            continue
        if series.pk in series_seen:
            continue
        series_seen.add(series.pk)
        for component in _series_events(series):
            calendar.add_component(component)
    for zone_name in sorted(zones):
        calendar.add_component(vtimezone(zone_name))
    return bytes(calendar.to_ical())


def _series_events(series: MeetingSeries) -> list[Event]:
    """The master event of a series (as the whole-series invite wrote it) and its occurrences."""
    occurrences = sorted(series.meetings.all(), key=lambda m: m.recurrence_id or m.starts_at)
    if not occurrences:
        return []
    zone = zoneinfo.ZoneInfo(series.timezone)
    cancelled = [m.recurrence_id for m in occurrences if m.is_cancelled and m.recurrence_id is not None]
    master = _event(occurrences[0], organizer=None, attendees=(), sequence=series.sequence, series=series,
                    status="CANCELLED" if series.status == MeetingStatus.CANCELLED else "CONFIRMED",
                    starts_at=series.first_starts_at,
                    ends_at=series.first_starts_at + timedelta(minutes=series.duration_minutes))
    if cancelled:
        master.add("exdate", [moment.astimezone(zone) for moment in cancelled])
    overrides = [
        _event(m, organizer=None, attendees=(), status="CONFIRMED", sequence=m.sequence, recurrence_id=m.recurrence_id)
        for m in occurrences if not m.is_cancelled and m.recurrence_id is not None
    ]
    return [master, *overrides]


# --- VTIMEZONE -------------------------------------------------------------------------------------
# Outlook, Google and Apple all read the compact form Outlook itself writes: one STANDARD and one
# DAYLIGHT part, each with a yearly RRULE. We derive it from the POSIX rule at the end of the zone's
# TZif file (e.g. "CET-1CEST,M3.5.0,M10.5.0/3"), which describes the current, future-proof rule.

_POSIX = re.compile(
    r"^(?P<std><[^>]+>|[A-Za-z]+)(?P<std_offset>[-+]?\d{1,2}(?::\d{2}){0,2})"
    r"(?:(?P<dst><[^>]+>|[A-Za-z]+)(?P<dst_offset>[-+]?\d{1,2}(?::\d{2}){0,2})?"
    r",M(?P<sm>\d+)\.(?P<sw>\d)\.(?P<sd>\d)(?:/(?P<st>\d{1,2}(?::\d{2}){0,2}))?"
    r",M(?P<em>\d+)\.(?P<ew>\d)\.(?P<ed>\d)(?:/(?P<et>\d{1,2}(?::\d{2}){0,2}))?)?$"
)
_DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]


def _seconds(text: str | None, default: int) -> int:
    if text is None:
        return default
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")] + [0, 0]
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def _posix_rule(zone_name: str) -> str | None:
    for root in zoneinfo.TZPATH:
        path = Path(root) / zone_name
        if path.is_file():
            return path.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("ascii", "replace")
    try:
        from importlib.resources import files

        package = "tzdata.zoneinfo." + ".".join(zone_name.split("/")[:-1]) if "/" in zone_name else "tzdata.zoneinfo"
        data = (files(package.rstrip(".")) / zone_name.split("/")[-1]).read_bytes()
        return data.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("ascii", "replace")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return None


def _nth_weekday(year: int, month: int, week: int, posix_day: int) -> date:
    """The `week`-th (5 = last) `posix_day` (0 = Sunday) of the month."""
    iso_day = (posix_day - 1) % 7  # Python: Monday = 0
    first = date(year, month, 1)
    day = first + timedelta(days=(iso_day - first.weekday()) % 7)
    day += timedelta(weeks=week - 1)
    while day.month != month:
        day -= timedelta(weeks=1)
    return day


def _part(kind: type[TimezoneStandard] | type[TimezoneDaylight], name: str, offset_from: int, offset_to: int,
          month: int, week: int, day: int, at: int) -> TimezoneStandard | TimezoneDaylight | None:
    """One yearly transition; None when the rule cannot be written as an RRULE."""
    part = kind()
    shift, at = divmod(at, 86400)  # "/24" or "/-1": the transition falls on a neighbouring day
    start = datetime.combine(_nth_weekday(1970, month, week, day) + timedelta(days=shift), datetime.min.time())
    part.add("dtstart", start + timedelta(seconds=at))
    part.add("tzname", name.strip("<>"))
    part.add("tzoffsetfrom", timedelta(seconds=offset_from))
    part.add("tzoffsetto", timedelta(seconds=offset_to))
    if shift == 0:
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": f"{week if week < 5 else -1}{_DAYS[day]}"})
        return part
    first_day = 7 * (week - 1) + 1 + shift
    if week == 5 or not (first_day >= 1 and first_day + 6 <= 28):
        return None
    # E.g. "the day after the first Saturday" = the Sunday that falls on the 2nd–8th.
    part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": _DAYS[(day + shift) % 7],
                       "bymonthday": list(range(first_day, first_day + 7))})
    return part


def vtimezone(zone_name: str) -> Timezone:
    """A VTIMEZONE for an IANA zone: the compact RRULE form when the zone's rule allows, else a
    transition list for the years around now (icalendar's own generator)."""
    rule = _posix_rule(zone_name)
    match = _POSIX.match(rule) if rule else None
    if match is None:
        return _transition_list(zone_name)
    standard = -_seconds(match["std_offset"], 0)  # POSIX offsets are west-positive
    component = Timezone()
    component.add("tzid", zone_name)
    if not match["dst"]:
        part = TimezoneStandard()
        part.add("dtstart", datetime(1970, 1, 1))
        part.add("tzname", match["std"].strip("<>"))
        part.add("tzoffsetfrom", timedelta(seconds=standard))
        part.add("tzoffsetto", timedelta(seconds=standard))
        component.add_component(part)
        return component
    daylight = -_seconds(match["dst_offset"], -(standard + 3600))
    parts = [
        _part(TimezoneDaylight, match["dst"], standard, daylight, int(match["sm"]), int(match["sw"]), int(match["sd"]),
              _seconds(match["st"], 7200)),
        _part(TimezoneStandard, match["std"], daylight, standard, int(match["em"]), int(match["ew"]), int(match["ed"]),
              _seconds(match["et"], 7200)),
    ]
    for transition in parts:
        if transition is None:
            return _transition_list(zone_name)
        component.add_component(transition)
    return component


def _transition_list(zone_name: str) -> Timezone:
    this_year = timezone.now().year
    return Timezone.from_tzid(zone_name, first_date=date(this_year - 1, 1, 1), last_date=date(this_year + 5, 1, 1))
