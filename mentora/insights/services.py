"""Acting on what insights show: nudging pairs (a note to each member, at most once a week a pair)."""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentora.accounts.models import User
from mentora.core.errors import Conflict, DomainError
from mentora.core.models import record_audit_event
from mentora.insights.models import Nudge, NudgeAudience
from mentora.insights.signals import ASSESSED
from mentora.mentorships.models import MemberRole, Mentorship, MentorshipMember
from mentora.notifications.services import notify

__all__ = ["MAX_NUDGE_PAIRS", "MERGE_FIELDS", "NUDGE_INTERVAL", "NudgeRecipient", "NudgedRecently", "default_message",
           "last_nudges", "nudge_mentorships", "nudge_recipients", "render_message", "validate_message"]

#: A pair is nudged at most once in this long: more would be nagging.
NUDGE_INTERVAL = timedelta(days=7)
#: Pairs one nudge may go to (the confirmation step lists every person).
MAX_NUDGE_PAIRS = 100
#: What a message may say about its reader: their first name, the others in the pair, the program.
MERGE_FIELDS = ("first_name", "other_name", "program")
MAX_MESSAGE = 2000

DEFAULT_MESSAGES = {
    NudgeAudience.PAIR: (
        "Hi {first_name}, it has been a little while since you and {other_name} last got together in {program}. "
        "Could you find half an hour this week? Even a short conversation keeps things moving, and your "
        "mentorship page has your free slots side by side."),
    NudgeAudience.MENTEE: (
        "Hi {first_name}, I'm checking in on your mentorship with {other_name} in {program}. How is it going? "
        "If something isn't working, tell me: you can report a concern privately from your mentorship page, "
        "and we can adjust things or find you a new match, no blame."),
}


class NudgedRecently(Conflict):
    """A pair was nudged less than `NUDGE_INTERVAL` ago."""


@dataclass(frozen=True)
class NudgeRecipient:
    """One person a nudge goes to, with the message as they will read it."""

    member: MentorshipMember
    other_names: str
    message: str


def default_message(audience: str) -> str:
    """The template a coordinator starts from, merge fields in braces."""
    return DEFAULT_MESSAGES[NudgeAudience(audience)]


def validate_message(message: str) -> str:
    """Return the template stripped, or raise `DomainError` saying what is wrong with it.

    >>> validate_message("  Hi {first_name}  ")
    'Hi {first_name}'
    >>> validate_message("Hi {name}")
    Traceback (most recent call last):
    ...
    mentora.core.errors.DomainError: {name} is not a merge field: use {first_name}, {other_name} or {program}.
    """
    message = message.strip()
    if not message:
        raise DomainError(_("Write the message the pairs will get."), field="message")
    if len(message) > MAX_MESSAGE:
        raise DomainError(_("Keep the message under %(n)d characters.") % {"n": MAX_MESSAGE}, field="message")
    fields = _("{first_name}, {other_name} or {program}")
    try:
        parsed = list(string.Formatter().parse(message))
    except ValueError:
        raise DomainError(_("A brace is not closed: merge fields look like {first_name}. Use %(fields)s.")
                          % {"fields": fields}, field="message") from None
    for _literal, name, spec, conversion in parsed:
        if name is not None and (name not in MERGE_FIELDS or spec or conversion):
            raise DomainError(_("{%(name)s} is not a merge field: use %(fields)s.") % {"name": name, "fields": fields},
                              field="message")
    return message


def render_message(message: str, *, first_name: str, other_name: str, program: str) -> str:
    """Fill the merge fields of a validated template.

    >>> render_message("Hi {first_name}, and {other_name}!", first_name="Ana", other_name="Morgan", program="Growth")
    'Hi Ana, and Morgan!'
    """
    return message.format(first_name=first_name, other_name=other_name, program=program)


def _first(member: MentorshipMember) -> str:
    name = member.membership.user.display_name
    return name.split()[0] if name.strip() else name


def nudge_recipients(mentorship: Mentorship, *, audience: str, message: str) -> list[NudgeRecipient]:
    """Who in the mentorship gets the nudge, and what each reads (uses prefetched members).

    A check-in (audience "mentee") goes to the mentees of a pair or circle, and to both people of a
    peer pair (there is no mentee there).
    """
    members = mentorship.active_members()
    targets = members
    if audience == NudgeAudience.MENTEE:
        targets = [m for m in members if m.role == MemberRole.MENTEE] or [m for m in members if m.role == MemberRole.PEER]
    recipients = []
    for member in targets:
        others = ", ".join(m.membership.user.display_name for m in members if m.pk != member.pk)
        recipients.append(NudgeRecipient(member, others, render_message(
            message, first_name=_first(member), other_name=others or _("your mentor"), program=mentorship.program.name)))
    return recipients


def last_nudges(mentorship_ids: Sequence[int]) -> dict[int, datetime]:
    """When each of these mentorships was last nudged (one query)."""
    rows = Nudge.objects.filter(mentorship_id__in=list(mentorship_ids)).values("mentorship_id").annotate(
        last=Max("sent_at")).order_by()
    return {row["mentorship_id"]: row["last"] for row in rows}


@transaction.atomic
def nudge_mentorships(
    *, mentorships: Sequence[Mentorship], sent_by: User, message: str, audience: str = NudgeAudience.PAIR,
    now: datetime | None = None,
) -> list[Nudge]:
    """Send the message to each mentorship's members (or only its mentees), one notification each,
    and record a `Nudge` per mentorship with an audit event. All or nothing: a pair nudged in the
    last week, a closed one, or a bad template refuses the whole batch before anything is sent."""
    now = now or timezone.now()
    message = validate_message(message)
    if audience not in NudgeAudience.values:
        raise DomainError(_("Choose who gets the message."), field="audience")
    ids = sorted({m.pk for m in mentorships})
    if not ids:
        raise DomainError(_("Select at least one pair."), field="mentorship")
    if len(ids) > MAX_NUDGE_PAIRS:
        raise DomainError(_("Nudge at most %(n)d pairs at once.") % {"n": MAX_NUDGE_PAIRS}, field="mentorship")
    # Lock the mentorships (in id order, so two coordinators cannot deadlock) before reading their
    # last nudges: two simultaneous nudges of the same pair queue here and the second is refused.
    found = {m.pk: m for m in Mentorship.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
             .select_related("program__organization").prefetch_related("members__membership__user")}
    if len(found) != len(ids):
        raise DomainError(_("Some of the pairs selected no longer exist."), field="mentorship")
    organizations = {m.program.organization_id for m in found.values()}
    if len(organizations) != 1:
        raise DomainError(_("Nudge the pairs of one organization at a time."), field="mentorship")
    closed = [m for m in found.values() if m.status not in ASSESSED]
    if closed:
        raise Conflict(ngettext("%(names)s is no longer under way, so it cannot be nudged.",
                                "%(names)s are no longer under way, so they cannot be nudged.", len(closed))
                       % {"names": "; ".join(m.member_names() for m in closed)})
    recent = {pk: at for pk, at in last_nudges(ids).items() if at > now - NUDGE_INTERVAL}
    if recent:
        raise NudgedRecently(_("A pair gets at most one nudge a week. Already nudged: %(pairs)s.") % {
            "pairs": "; ".join(_("%(names)s on %(date)s") % {"names": found[pk].member_names(),
                                                               "date": timezone.localdate(at).isoformat()}
                               for pk, at in sorted(recent.items()))})

    nudges = []
    for pk in ids:
        mentorship = found[pk]
        recipients = nudge_recipients(mentorship, audience=audience, message=message)
        if not recipients:
            raise DomainError(_("%(names)s has nobody to send the message to.") % {"names": mentorship.member_names()})
        nudge = Nudge.objects.create(mentorship=mentorship, sent_by=sent_by, audience=audience, message=message,
                                     recipient_count=len(recipients), sent_at=now)
        url = reverse("mentorships:home", args=[mentorship.program.organization.slug, mentorship.pk])
        for recipient in recipients:
            notify(recipients=[recipient.member.membership.user], organization=mentorship.program.organization,
                   kind="nudge", title=_("A note from %(name)s about your mentorship") % {"name": sent_by.display_name},
                   body=recipient.message, url=url, dedupe_key=f"nudge:{nudge.pk}")
        record_audit_event(organization=mentorship.program.organization, actor=sent_by, action="insights.nudge",
                           target=mentorship, details={"nudge": nudge.pk, "audience": audience,
                                                       "recipients": [r.member.membership_id for r in recipients]})
        nudges.append(nudge)
    return nudges
