"""Write to the people behind a figure: one message, merge fields filled in per person, sent as a
notification (and its email) to each, after a preview; recorded in the audit log."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership, User
from mentora.core.errors import DomainError
from mentora.core.models import record_audit_event
from mentora.notifications.services import notify
from mentora.programs.models import Program

from .services import render_message, validate_message

__all__ = ["DEFAULT_PEOPLE_MESSAGE", "MAX_RECIPIENTS", "PeopleRecipient", "message_people", "people_recipients"]

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
