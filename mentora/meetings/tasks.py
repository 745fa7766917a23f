"""Background work for meetings: calendar invites by email and reminders (enqueued after commit)."""

from __future__ import annotations

import zoneinfo
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from mentora.core.outbox import queue_email
from mentora.meetings import ics
from mentora.meetings.models import Attendee, Meeting


def _zone_of(user_id: int, meeting: Meeting) -> zoneinfo.ZoneInfo:
    from mentora.profiles.models import Profile

    profile = Profile.objects.filter(membership__user_id=user_id, membership__organization=meeting.mentorship.program.organization).first()
    try:
        return zoneinfo.ZoneInfo(profile.timezone if profile else meeting.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


@task()
def send_meeting_invites(*, meeting_id: int, method: str, whole_series: bool = False, reason: str = "",
                         also: list[int] | None = None) -> int:
    """Queue every attendee an iCalendar invite (REQUEST) or cancellation (CANCEL); return how many.

    Each person's email is its own outbox entry, all queued in one transaction: when the mail server
    fails for the second attendee, only that email is retried, and the first is not sent twice.
    `also`: more occurrences of the same series that moved with this one (one message for all).
    """
    meeting = Meeting.objects.select_related("mentorship__program__organization", "series", "booked_by").filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    others = list(Meeting.objects.filter(pk__in=also or [], series_id=meeting.series_id).exclude(pk=meeting.pk)
                  .select_related("mentorship").order_by("recurrence_id")) if meeting.series_id else []
    seats = list(Attendee.objects.filter(meeting=meeting).select_related("user"))
    people = [ics.Person(seat.user.display_name, seat.user.email) for seat in seats]
    # Mentora organises (so every member, the booker too, gets an ordinary invitation); the CN says who booked.
    _, from_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    booker = meeting.booked_by.display_name if meeting.booked_by else "Mentora"
    organizer = ics.Person(f"{booker} via Mentora", from_address or "no-reply@mentora.local")
    calendar = ics.invite_calendar(meeting, method=method, organizer=organizer, attendees=people, whole_series=whole_series,
                                   also=others)
    messages = []
    for seat in seats:
        zone = _zone_of(seat.user_id, meeting)
        local = timezone.localtime(meeting.starts_at, zone)
        when = local.strftime("%a %d %b %Y, %H:%M %Z")
        if method == "CANCEL":
            subject = f"Cancelled: mentoring meeting {when}"
            lines = [f"The meeting on {when} is cancelled" + (" (all remaining occurrences)." if whole_series else ".")]
        else:
            subject = f"Invitation: mentoring meeting {when}"
            lines = [f"Mentoring meeting with {meeting.mentorship.member_names()} on {when} ({meeting.duration.seconds // 60} minutes)."]
            if meeting.series is not None and whole_series:
                lines.append(f"Repeats every {meeting.series.interval_weeks} week(s), {meeting.series.count} times.")
            if meeting.sequence:
                lines[0] = "Updated: " + lines[0]
            if others:
                lines.append(f"The {len(others)} following meeting(s) of the series move by the same amount:")
                lines += ["  " + timezone.localtime(o.starts_at, zone).strftime("%a %d %b %Y, %H:%M %Z") for o in others]
        if reason:
            lines.append(f"Reason: {reason}")
        lines += ["", f"Details: {ics.meeting_url(meeting)}"]
        message = EmailMultiAlternatives(subject=subject, body="\n".join(lines), to=[seat.user.email])
        content_type = f'text/calendar; method={method}; charset="UTF-8"'
        message.attach_alternative(calendar.decode(), content_type)
        message.attach("invite.ics" if method != "CANCEL" else "cancel.ics", calendar, "application/ics")
        messages.append(message)
    organization = meeting.mentorship.program.organization
    with transaction.atomic():
        for message in messages:
            queue_email(message, organization=organization,
                        label=f"Meeting {'cancellation' if method == 'CANCEL' else 'invite'} to {', '.join(message.to)}")
    return len(messages)


@task()
def send_meeting_reminders() -> int:
    """Send the reminders that are due now (each at most once per person)."""
    from mentora.meetings.services import send_due_reminders

    return send_due_reminders()
