"""Write to the people behind a figure: one message, merge fields filled in per person, sent as a
notification (and its email) to each, after a preview; recorded in the audit log."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership, User
from mentora.core.errors import DomainError
from mentora.core.models import record_audit_event
from mentora.notifications.services import notify
from mentora.programs.models import Program

from .models import ScheduledMessage, ScheduledStatus
from .services import render_message, validate_message

__all__ = ["DEFAULT_PEOPLE_MESSAGE", "MAX_RECIPIENTS", "PeopleRecipient", "cancel_scheduled", "message_people",
           "people_recipients", "schedule_message", "send_due_scheduled"]

#: The furthest ahead a message can be scheduled.
MAX_SCHEDULE_AHEAD = timedelta(days=60)

#: One message reaches at most this many people; a larger group is written to in parts.
MAX_RECIPIENTS = 500
DEFAULT_PEOPLE_MESSAGE = (
    "Hi {first_name}, I'm checking in on how {program} is going for you. If anything would help — "
    "a different match, a question, a nudge — reply to me or open the program page."
)


@dataclass(frozen=True)
class PeopleRecipient:
    membership: Membership
    text: str


def _first_name(membership: Membership) -> str:
    full_name = (membership.user.full_name or "").strip()
    return full_name.split()[0] if full_name else membership.user.email.split("@")[0]


def _validated(message: str) -> str:
    message = validate_message(message)
    if "{other_name}" in message:
        raise DomainError(_("{other_name} is for messages to pairs: here use {first_name} or {program}."),
                          field="message")
    return message


def people_recipients(*, program: Program, memberships: Sequence[Membership], message: str) -> list[PeopleRecipient]:
    """Each person with the message as they will read it (for the preview and for sending)."""
    message = _validated(message)
    if not memberships:
        raise DomainError(_("Nobody to write to."), field="membership")
    if len(memberships) > MAX_RECIPIENTS:
        raise DomainError(_("Write to at most %(n)d people at once; narrow the filters.") % {"n": MAX_RECIPIENTS},
                          field="membership")
    return [PeopleRecipient(member, render_message(message, first_name=_first_name(member), other_name="",
                                                   program=program.name))
            for member in memberships]


@transaction.atomic
def message_people(*, program: Program, memberships: Sequence[Membership], message: str, sent_by: User) -> int:
    """Send each person their message; return how many got it (sending the same text twice the
    same day to someone does nothing the second time)."""
    recipients = people_recipients(program=program, memberships=memberships, message=message)
    digest = hashlib.sha256(_validated(message).encode()).hexdigest()[:16]
    today = timezone.localdate().isoformat()
    url = reverse("programs:detail", args=[program.organization.slug, program.pk])
    sent = 0
    for recipient in recipients:
        sent += len(notify(
            recipients=[recipient.membership.user], organization=program.organization, kind="program.message",
            title=_("A message about %(program)s") % {"program": program.name}, body=recipient.text, url=url,
            dedupe_key=f"program.message:{program.pk}:{digest}:{today}",
        ))
    record_audit_event(organization=program.organization, actor=sent_by, action="insights.message", target=program,
                       details={"recipients": len(recipients), "sent": sent})
    return sent


@transaction.atomic
def schedule_message(*, program: Program, memberships: Sequence[Membership], message: str, send_at: datetime,
                     label: str, created_by: User, now: datetime | None = None) -> ScheduledMessage:
    """Keep the message for `send_at` (checked now exactly as a send would be)."""
    now = now or timezone.now()
    people_recipients(program=program, memberships=memberships, message=message)
    if send_at <= now + timedelta(minutes=4):
        raise DomainError(_("Choose a time at least five minutes from now, or send it now."), field="send_at")
    if send_at > now + MAX_SCHEDULE_AHEAD:
        raise DomainError(_("Schedule at most %(days)d days ahead.") % {"days": MAX_SCHEDULE_AHEAD.days}, field="send_at")
    scheduled = ScheduledMessage.objects.create(program=program, message=_validated(message), send_at=send_at,
                                                label=label[:200], created_by=created_by)
    scheduled.recipients.set(memberships)
    record_audit_event(organization=program.organization, actor=created_by, action="insights.message_scheduled",
                       target=program, details={"recipients": len(memberships), "send_at": send_at.isoformat()})
    return scheduled


def cancel_scheduled(*, scheduled: ScheduledMessage, cancelled_by: User) -> bool:
    """Cancel a message not sent yet; False when it already went (or was cancelled)."""
    done = ScheduledMessage.objects.filter(pk=scheduled.pk, status=ScheduledStatus.SCHEDULED).update(
        status=ScheduledStatus.CANCELLED, finished_at=timezone.now())
    if done:
        record_audit_event(organization=scheduled.program.organization, actor=cancelled_by,
                           action="insights.message_cancelled", target=scheduled.program, details={"scheduled": scheduled.pk})
    return bool(done)


def send_due_scheduled(*, now: datetime | None = None) -> int:
    """Send every scheduled message that is due; return how many messages went out.

    Each is claimed (scheduled → sent) in the same transaction as its notifications, so two
    runners never send one twice and a failure leaves it scheduled for the next run. People who
    have left the organization since are skipped.
    """
    now = now or timezone.now()
    sent = 0
    for pk in list(ScheduledMessage.objects.filter(status=ScheduledStatus.SCHEDULED, send_at__lte=now)
                   .values_list("pk", flat=True)[:100]):
        with transaction.atomic():
            claimed = ScheduledMessage.objects.filter(pk=pk, status=ScheduledStatus.SCHEDULED).update(
                status=ScheduledStatus.SENT, finished_at=now)
            if not claimed:
                continue
            scheduled = ScheduledMessage.objects.select_related("program__organization", "created_by").get(pk=pk)
            members = list(scheduled.recipients.filter(organization=scheduled.program.organization)
                           .select_related("user").order_by("pk"))
            count = message_people(program=scheduled.program, memberships=members, message=scheduled.message,
                                   sent_by=scheduled.created_by) if members and scheduled.created_by else 0
            ScheduledMessage.objects.filter(pk=pk).update(sent_count=count)
            sent += 1
    return sent
