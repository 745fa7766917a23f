"""Finding a time, booking, rescheduling and cancelling meetings; calendar feeds; reminders."""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import User
from mentora.core.errors import Conflict, DomainError
from mentora.core.outbox import enqueue_on_commit
from mentora.meetings import slots
from mentora.meetings.models import (
    DEFAULT_REMINDER_MINUTES,
    Attendee,
    CalendarFeed,
    Meeting,
    MeetingChannel,
    MeetingSeries,
    MeetingStatus,
    ReminderPreference,
    new_feed_token,
)
from mentora.mentorships.models import Mentorship, MentorshipMember, MentorshipStatus
from mentora.profiles.models import AvailabilitySlot, Profile

MAX_SEARCH_WEEKS = 12
MAX_DURATION_MINUTES = 240


class SlotTaken(Conflict):
    """Someone in the mentorship already has a meeting at that time."""


class MeetingClosed(Conflict):
    """The meeting is cancelled or over; it can no longer change."""


@dataclass(frozen=True)
class MemberTime:
    """One member's wall-clock time for a slot (shown next to each slot)."""

    name: str
    timezone: str
    starts_at: datetime


@dataclass(frozen=True)
class FreeSlot:
    starts_at: datetime
    ends_at: datetime
    member_times: tuple[MemberTime, ...]


def current_members(mentorship: Mentorship) -> list[MentorshipMember]:
    return list(
        MentorshipMember.objects.filter(mentorship=mentorship, left_at__isnull=True)
        .select_related("membership__user", "membership__profile")
        .prefetch_related(Prefetch("membership__profile__availability", queryset=AvailabilitySlot.objects.all()))
    )


def _profile(member: MentorshipMember) -> Profile | None:
    return getattr(member.membership, "profile", None)


def _zone_name(member: MentorshipMember) -> str:
    profile = _profile(member)
    name = profile.timezone if profile else "UTC"
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def find_free_slots(
    *, mentorship: Mentorship, start: datetime, weeks: int = 4, duration_minutes: int = 60,
    step_minutes: int = 30,
) -> list[FreeSlot]:
    """Common free slots of the mentorship's current members in [start, start + weeks), minus
    every member's booked meetings (in any mentorship), as UTC datetimes with each member's local time."""
    if not 1 <= weeks <= MAX_SEARCH_WEEKS:
        raise DomainError(_("Search between 1 and %(n)d weeks ahead.") % {"n": MAX_SEARCH_WEEKS}, field="weeks")
    if not 15 <= duration_minutes <= MAX_DURATION_MINUTES:
        raise DomainError(_("A meeting lasts between 15 minutes and 4 hours."), field="duration_minutes")
    members = current_members(mentorship)
    end = start + timedelta(weeks=weeks)
    people = []
    for member in members:
        profile = _profile(member)
        weekly = [(s.weekday, s.start_minute, s.end_minute) for s in profile.availability.all()] if profile else []
        people.append(slots.Person(_zone_name(member), weekly))
    busy = list(
        Attendee.objects.filter(
            user__in=[m.membership.user for m in members], is_active=True, starts_at__lt=end, ends_at__gt=start,
        ).values_list("starts_at", "ends_at")
    )
    found = slots.free_slots(people, start, end, duration=timedelta(minutes=duration_minutes), busy=busy,
                             step=timedelta(minutes=step_minutes))
    zones = [(m.membership.user.display_name, _zone_name(m)) for m in members]
    return [
        FreeSlot(begins, ends, tuple(MemberTime(name, zone, begins.astimezone(zoneinfo.ZoneInfo(zone))) for name, zone in zones))
        for begins, ends in found
    ]


def _occurrences(first: datetime, zone_name: str, *, interval_weeks: int, count: int) -> list[datetime]:
    """Start times every `interval_weeks` at the same wall-clock time in the organiser's zone
    (the same expansion a calendar applies to the RRULE, so invites and rows agree across DST)."""
    zone = zoneinfo.ZoneInfo(zone_name)
    local = first.astimezone(zone).replace(tzinfo=None)
    return [
        (local + timedelta(weeks=interval_weeks * i)).replace(tzinfo=zone).astimezone(first.tzinfo)
        for i in range(count)
    ]


def _claim_seats(meeting: Meeting, users: Sequence[User]) -> None:
    """Give each person a seat; the database refuses one that overlaps another of their meetings."""
    clash = (
        Attendee.objects.filter(user__in=users, is_active=True, starts_at__lt=meeting.ends_at, ends_at__gt=meeting.starts_at)
        .exclude(meeting=meeting).select_related("user").first()
    )
    if clash is not None:
        raise SlotTaken(_("%(name)s already has a meeting at %(time)s.") % {
            "name": clash.user.display_name, "time": timezone.localtime(clash.starts_at).strftime("%Y-%m-%d %H:%M")})
    try:
        with transaction.atomic():
            Attendee.objects.bulk_create([
                Attendee(meeting=meeting, user=user, starts_at=meeting.starts_at, ends_at=meeting.ends_at) for user in users
            ])
    except IntegrityError as error:
        # Another booking committed between our check and our write (or raced it on PostgreSQL).
        raise SlotTaken(_("Someone in this mentorship already has a meeting at that time.")) from error


def booking_refusal(mentorship: Mentorship) -> str:
    """Why no new meeting can be booked in this mentorship (empty when it is active)."""
    if mentorship.status == MentorshipStatus.ACTIVE:
        return ""
    if mentorship.status == MentorshipStatus.PAUSED:
        return _("This mentorship is paused: resume it before booking a meeting.")
    if mentorship.status == MentorshipStatus.PROPOSED:
        return _("This mentorship has not started yet: meetings can be booked once it is active.")
    return _("This mentorship has ended, so no new meetings can be booked.")


def _validate_booking(mentorship: Mentorship, starts_at: datetime, duration_minutes: int, channel: str, location: str) -> None:
    if not mentorship.is_open:
        raise DomainError(_("This mentorship is closed; it cannot book meetings."))
    if starts_at <= timezone.now():
        raise DomainError(_("Choose a time in the future."), field="starts_at")
    if not 15 <= duration_minutes <= MAX_DURATION_MINUTES:
        raise DomainError(_("A meeting lasts between 15 minutes and 4 hours."), field="duration_minutes")
    if channel not in MeetingChannel.values:
        raise DomainError(_("Choose how you will meet."), field="channel")
    if channel == MeetingChannel.EXTERNAL and not location.startswith("https://"):
        raise DomainError(_("Give the meeting link (https://…)."), field="location")
    if channel == MeetingChannel.IN_PERSON and not location.strip():
        raise DomainError(_("Say where you will meet."), field="location")


@transaction.atomic
def book_meeting(
    *, mentorship: Mentorship, booked_by: User, starts_at: datetime, duration_minutes: int = 60,
    channel: str = MeetingChannel.VIDEO, location: str = "", agenda: str = "", timezone_name: str = "UTC",
    interval_weeks: int = 0, count: int = 1,
) -> Meeting:
    """Book a meeting (or, with `interval_weeks` and `count` ≥ 2, a recurring series) for every
    current member; send calendar invites after commit. Returns the (first) meeting.

    Raises SlotTaken when anyone already has a meeting overlapping any occurrence.
    """
    refusal = booking_refusal(mentorship)
    if refusal:
        raise DomainError(refusal)
    _validate_booking(mentorship, starts_at, duration_minutes, channel, location)
    try:
        zoneinfo.ZoneInfo(timezone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise DomainError(_("Unknown time zone."), field="timezone") from None
    recurring = interval_weeks > 0 and count > 1
    if recurring and not (1 <= interval_weeks <= 8 and 2 <= count <= 52):
        raise DomainError(_("Repeat every 1 to 8 weeks, 2 to 52 times."), field="count")
    users = [m.membership.user for m in current_members(mentorship)]
    duration = timedelta(minutes=duration_minutes)
    series = None
    starts = [starts_at]
    if recurring:
        series = MeetingSeries.objects.create(
            mentorship=mentorship, timezone=timezone_name, first_starts_at=starts_at, duration_minutes=duration_minutes,
            interval_weeks=interval_weeks, count=count, created_by=booked_by,
        )
        starts = _occurrences(starts_at, timezone_name, interval_weeks=interval_weeks, count=count)
    meetings = []
    for occurrence in starts:
        meeting = Meeting.objects.create(
            mentorship=mentorship, series=series, uid=series.uid if series else Meeting._meta.get_field("uid").get_default(),
            recurrence_id=occurrence if series else None, starts_at=occurrence, ends_at=occurrence + duration,
            timezone=timezone_name, channel=channel, location=location.strip(), agenda=agenda.strip(), booked_by=booked_by,
        )
        _claim_seats(meeting, users)
        meetings.append(meeting)
    first = meetings[0]
    _after_commit_invite(first, method="REQUEST", whole_series=recurring)
    _after_commit_reminders(meetings)
    _notify_others(first, actor=booked_by, kind="meeting.booked", title=_("%(name)s booked a meeting") % {"name": booked_by.display_name})
    return first


def _editable(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise MeetingClosed(_("This meeting is cancelled."))
    if meeting.ends_at <= timezone.now():
        raise MeetingClosed(_("This meeting is over."))


def following_occurrences(meeting: Meeting) -> QuerySet[Meeting]:
    """The later occurrences of a meeting's series that are still scheduled and not over, in order."""
    if meeting.series_id is None or meeting.recurrence_id is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(series_id=meeting.series_id, status=MeetingStatus.SCHEDULED,
                                  recurrence_id__gt=meeting.recurrence_id, ends_at__gt=timezone.now()).order_by("recurrence_id")


def _shifted(when: datetime, zone: zoneinfo.ZoneInfo, shift: timedelta) -> datetime:
    """`when` moved by `shift` of wall-clock time in `zone` (10:00 stays 10:00 across a DST change)."""
    local = when.astimezone(zone).replace(tzinfo=None) + shift
    return local.replace(tzinfo=zone).astimezone(when.tzinfo)


@transaction.atomic
def reschedule_meeting(*, meeting: Meeting, starts_at: datetime, duration_minutes: int | None = None,
                       changed_by: User, reason: str = "", following: bool = False) -> Meeting:
    """Move one meeting (one occurrence of a series) to a new time; everyone gets an updated invite.

    With `following`, the later occurrences of its series move by the same wall-clock shift in the
    series' zone (and take the new length): all or none — one clash refuses the whole move.
    """
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("mentorship__program__organization").get(pk=meeting.pk)
    _editable(meeting)
    duration = timedelta(minutes=duration_minutes) if duration_minutes else meeting.duration
    minutes = int(duration.total_seconds() // 60)
    _validate_booking(meeting.mentorship, starts_at, minutes, meeting.channel, meeting.location)
    later = list(following_occurrences(meeting).select_for_update()) if following else []
    zone = zoneinfo.ZoneInfo(meeting.timezone)
    shift = starts_at.astimezone(zone).replace(tzinfo=None) - meeting.starts_at.astimezone(zone).replace(tzinfo=None)
    targets = [(meeting, starts_at)] + [(m, _shifted(m.starts_at, zone, shift)) for m in later]
    seats: dict[int, list[User]] = {m.pk: [] for m, _ in targets}
    for seat in Attendee.objects.filter(meeting__in=list(seats), is_active=True).select_related("user"):
        seats[seat.meeting_id].append(seat.user)
    # Free the old seats first (occurrences may move onto each other's old times), then claim the
    # new times under the same guard as a booking.
    Attendee.objects.filter(meeting__in=[m for m, _ in targets]).delete()
    for target, new_start in targets:
        _validate_booking(target.mentorship, new_start, minutes, target.channel, target.location)
        target.starts_at, target.ends_at = new_start, new_start + duration
        target.sequence += 1
        target.change_reason = reason.strip()
        target.save(update_fields=["starts_at", "ends_at", "sequence", "change_reason", "updated_at"])
        _claim_seats(target, seats[target.pk])
    moved = [m for m, _ in targets]
    _after_commit_invite(meeting, method="REQUEST", reason=meeting.change_reason, occurrence_ids=[m.pk for m in moved])
    _after_commit_reminders(moved)
    title = (_("%(name)s moved %(n)d meetings of a series") % {"name": changed_by.display_name, "n": len(moved)}
             if len(moved) > 1 else _("%(name)s moved a meeting") % {"name": changed_by.display_name})
    _notify_others(meeting, actor=changed_by, kind="meeting.rescheduled", title=title, body=meeting.change_reason)
    return meeting


@transaction.atomic
def cancel_meeting(*, meeting: Meeting, cancelled_by: User, reason: str = "", whole_series: bool = False) -> list[Meeting]:
    """Cancel a meeting (or every future occurrence of its series); send CANCEL invites. Returns the cancelled ones."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("mentorship__program__organization", "series").get(pk=meeting.pk)
    _editable(meeting)
    reason = reason.strip()
    if whole_series and meeting.series is not None:
        targets = list(meeting.series.meetings.filter(status=MeetingStatus.SCHEDULED, ends_at__gt=timezone.now()))
        MeetingSeries.objects.filter(pk=meeting.series.pk).update(status=MeetingStatus.CANCELLED, sequence=meeting.series.sequence + 1)
    else:
        targets = [meeting]
    for target in targets:
        target.status, target.cancel_reason = MeetingStatus.CANCELLED, reason
        target.sequence += 1
        target.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
    Attendee.objects.filter(meeting__in=targets).update(is_active=False)
    _after_commit_invite(meeting, method="CANCEL", whole_series=whole_series and meeting.series is not None, reason=reason)
    _notify_others(meeting, actor=cancelled_by, kind="meeting.cancelled",
                   title=_("%(name)s cancelled a meeting") % {"name": cancelled_by.display_name}, body=reason)
    return targets


@transaction.atomic
def record_attendance(*, meeting: Meeting, happened: bool, note: str = "", recorded_by: User) -> Meeting:
    """Say whether a meeting that has started took place, with an optional shared note."""
    if meeting.starts_at > timezone.now():
        raise DomainError(_("You can record attendance once the meeting has started."))
    if meeting.is_cancelled:
        raise MeetingClosed(_("This meeting is cancelled."))
    meeting.happened, meeting.attendance_note = happened, note.strip()
    meeting.save(update_fields=["happened", "attendance_note", "updated_at"])
    return meeting


def feed_for(*, user: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def revoke_feed(*, user: User) -> CalendarFeed:
    """Replace the person's feed token: subscriptions to the old URL stop working."""
    feed = feed_for(user=user)
    feed.token = new_feed_token()
    feed.save(update_fields=["token"])
    return feed


def reminder_minutes_for(user: User) -> list[int]:
    preference = ReminderPreference.objects.filter(user=user).first()
    return list(preference.minutes_before) if preference else list(DEFAULT_REMINDER_MINUTES)


@transaction.atomic
def set_reminder_preference(*, user: User, minutes_before: Sequence[int], by_email: bool) -> ReminderPreference:
    minutes = sorted({int(m) for m in minutes_before if 5 <= int(m) <= 7 * 24 * 60}, reverse=True)
    preference, _created = ReminderPreference.objects.update_or_create(
        user=user, defaults={"minutes_before": minutes, "by_email": by_email})
    return preference


def send_due_reminders(*, now: datetime | None = None, window: timedelta = timedelta(minutes=5)) -> int:
    """Send every reminder that is due (its time has come but the meeting has not started).

    Safe to run as often as wanted (a task per meeting and a cron sweep both call it): each
    reminder has a dedupe key, so a person gets it at most once. Returns how many were created.
    """
    from mentora.notifications.services import notify

    now = now or timezone.now()
    horizon = now + timedelta(days=7, minutes=window.total_seconds() // 60)
    sent = 0
    seats = (
        Attendee.objects.filter(is_active=True, starts_at__gt=now, starts_at__lte=horizon, meeting__status=MeetingStatus.SCHEDULED)
        .select_related("user", "meeting__mentorship__program__organization")
    )
    preferences = {p.user_id: p for p in ReminderPreference.objects.filter(user__in=seats.values("user"))}
    for seat in seats:
        preference = preferences.get(seat.user_id)
        minutes_list = preference.minutes_before if preference else DEFAULT_REMINDER_MINUTES
        meeting = seat.meeting
        for minutes in minutes_list:
            due_at = meeting.starts_at - timedelta(minutes=minutes)
            # Not before its time, and not one whose time had already passed when the meeting was
            # booked or moved (the invite itself told people then).
            if not (due_at <= now < meeting.starts_at and due_at >= meeting.updated_at - window):
                continue
            from mentora.meetings.ics import meeting_url

            local = timezone.localtime(meeting.starts_at, _user_zone(seat.user, meeting))
            sent += len(notify(
                recipients=[seat.user], organization=meeting.mentorship.program.organization, kind="meeting.reminder",
                title=_("Meeting at %(time)s") % {"time": local.strftime("%a %d %b, %H:%M %Z")},
                body=_("With %(names)s.") % {"names": meeting.mentorship.member_names(excluding=seat.user)}, url=meeting_url(meeting),
                email=preference.by_email if preference else True,
                dedupe_key=f"meeting-reminder:{meeting.pk}:{meeting.starts_at:%Y%m%dT%H%M}:{minutes}",
            ))
    return sent


def _user_zone(user: User, meeting: Meeting) -> zoneinfo.ZoneInfo:
    profile = Profile.objects.filter(membership__user=user, membership__organization=meeting.mentorship.program.organization).first()
    try:
        return zoneinfo.ZoneInfo(profile.timezone if profile else meeting.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _after_commit_invite(meeting: Meeting, *, method: str, whole_series: bool = False, reason: str = "",
                         occurrence_ids: Sequence[int] = ()) -> None:
    from mentora.meetings.tasks import send_meeting_invites

    meeting_id = meeting.pk
    # One message for several moved occurrences of a series, not one email each.
    others = [pk for pk in occurrence_ids if pk != meeting_id]
    kind = "Cancellation" if method == "CANCEL" else "Invitation"
    enqueue_on_commit(send_meeting_invites, organization=meeting.mentorship.program.organization,
                      label=f"{kind} emails for meeting {meeting_id}", meeting_id=meeting_id, method=method,
                      whole_series=whole_series, reason=reason, also=others)


def _after_commit_reminders(meetings: Sequence[Meeting]) -> None:
    """Schedule a reminder run at each reminder time, when the task backend can defer work."""
    from django_tasks import default_task_backend

    from mentora.meetings.tasks import send_meeting_reminders

    if not default_task_backend.supports_defer:
        return  # cron / `manage.py send_meeting_reminders` covers it
    now = timezone.now()
    users = User.objects.filter(meeting_seats__meeting__in=meetings).distinct()
    minutes_wanted = {minutes for user in users for minutes in reminder_minutes_for(user)}
    times = sorted({m.starts_at - timedelta(minutes=minutes) for m in meetings for minutes in minutes_wanted
                    if m.starts_at - timedelta(minutes=minutes) > now})

    for run_after in times:
        enqueue_on_commit(send_meeting_reminders, run_after=run_after, label="Meeting reminders")


def _notify_others(meeting: Meeting, *, actor: User, kind: str, title: str, body: str = "") -> None:
    from mentora.meetings.ics import meeting_url
    from mentora.notifications.services import notify

    others = [m.membership.user for m in current_members(meeting.mentorship) if m.membership.user_id != actor.pk]
    # Email goes out as the calendar invite; this is the in-app notice.
    notify(recipients=others, organization=meeting.mentorship.program.organization, kind=kind, title=title,
           body=body, url=meeting_url(meeting), email=False)
