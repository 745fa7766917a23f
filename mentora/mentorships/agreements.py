"""The agreement (charter): versions, confirmations, and what to talk about first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership
from mentora.core.errors import Conflict, DomainError
from mentora.core.models import record_audit_event
from mentora.mentorships.models import Agreement, AgreementConfirmation, Mentorship
from mentora.notifications.services import notify
from mentora.profiles.models import Cadence, Channel
from mentora.programs.models import Purpose

__all__ = ["AgreementState", "agreement_state", "confirm_agreement", "conversation_starters", "first_session_agenda",
           "propose_agreement"]


@dataclass
class AgreementState:
    latest: Agreement | None
    in_force: Agreement | None
    confirmed_by: set[int] = field(default_factory=set)
    waiting_for: list[Membership] = field(default_factory=list)

    @property
    def is_settled(self) -> bool:
        return self.latest is not None and self.latest == self.in_force


def _home_url(mentorship: Mentorship) -> str:
    return reverse("mentorships:agreement", args=[mentorship.program.organization.slug, mentorship.pk])


def agreement_state(mentorship: Mentorship) -> AgreementState:
    """Latest version, the version in force, and who still has to confirm the latest (2 queries)."""
    agreements = list(mentorship.agreements.prefetch_related("confirmations").order_by("-version")[:20])
    members = [m.membership for m in mentorship.active_members()]
    member_ids = {m.pk for m in members}
    in_force = next(
        (a for a in agreements if member_ids <= {c.membership_id for c in a.confirmations.all()}), None
    )
    latest = agreements[0] if agreements else None
    confirmed = {c.membership_id for c in latest.confirmations.all()} if latest else set()
    return AgreementState(latest=latest, in_force=in_force, confirmed_by=confirmed,
                          waiting_for=[m for m in members if m.pk not in confirmed] if latest else members)


@transaction.atomic
def propose_agreement(
    *, mentorship: Mentorship, author: Membership, mentee_wants: str, cadence: str, session_minutes: int,
    channels: list[str], response_time: str, boundaries: str, feedback_how: str, ends_on: date,
) -> Agreement:
    """Write a new version of the agreement; the author confirms it, the others are asked to."""
    if not mentorship.is_open:
        raise Conflict(_("This mentorship has ended; its agreement can no longer change."))
    if cadence not in Cadence.values:
        raise DomainError(_("Choose how often you meet."), field="cadence")
    if not channels or any(c not in Channel.values for c in channels):
        raise DomainError(_("Choose at least one channel."), field="channels")
    if not 15 <= session_minutes <= 240:
        raise DomainError(_("A session lasts between 15 and 240 minutes."), field="session_minutes")
    if ends_on <= timezone.localdate():
        raise DomainError(_("The end date must be in the future."), field="ends_on")
    if not (mentee_wants.strip() and boundaries.strip() and feedback_how.strip()):
        raise DomainError(_("Fill in every part of the agreement."))
    # Lock the mentorship row so two simultaneous edits get consecutive versions.
    Mentorship.objects.select_for_update().filter(pk=mentorship.pk).first()
    version = (mentorship.agreements.aggregate(v=Max("version"))["v"] or 0) + 1
    agreement = Agreement.objects.create(
        mentorship=mentorship, version=version, mentee_wants=mentee_wants.strip(), cadence=cadence,
        session_minutes=session_minutes, channels=sorted(set(channels)), response_time=response_time,
        boundaries=boundaries.strip(), feedback_how=feedback_how.strip(), ends_on=ends_on, created_by=author,
    )
    AgreementConfirmation.objects.create(agreement=agreement, membership=author)
    others = [m.membership.user for m in mentorship.active_members() if m.membership_id != author.pk]
    notify(
        recipients=others, organization=mentorship.program.organization, kind="agreement.proposed",
        title=_("%(name)s proposed version %(v)s of your agreement — please read and confirm it.")
        % {"name": author.user.display_name, "v": version},
        url=_home_url(mentorship),
    )
    record_audit_event(organization=mentorship.program.organization, actor=author.user, action="agreement.propose",
                       target=mentorship, details={"version": version})
    return agreement


@transaction.atomic
def confirm_agreement(*, agreement: Agreement, membership: Membership) -> AgreementConfirmation:
    """Confirm the latest version. When everyone has, it is in force: a new end date extends
    (or shortens) the mentorship."""
    mentorship = agreement.mentorship
    if not mentorship.is_open:
        raise Conflict(_("This mentorship has ended; its agreement can no longer change."))
    latest_version = mentorship.agreements.aggregate(v=Max("version"))["v"]
    if agreement.version != latest_version:
        raise Conflict(_("A newer version of the agreement exists; confirm that one."))
    confirmation, created = AgreementConfirmation.objects.get_or_create(agreement=agreement, membership=membership)
    if not created:
        return confirmation
    member_ids = {m.membership_id for m in mentorship.active_members()}
    confirmed_ids = set(agreement.confirmations.values_list("membership_id", flat=True))
    if member_ids <= confirmed_ids:
        if mentorship.ends_on != agreement.ends_on:
            Mentorship.objects.filter(pk=mentorship.pk).update(ends_on=agreement.ends_on)
            mentorship.ends_on = agreement.ends_on
        notify(
            recipients=[m.membership.user for m in mentorship.active_members()],
            organization=mentorship.program.organization, kind="agreement.in_force",
            title=_("Everyone confirmed version %(v)s of your agreement.") % {"v": agreement.version},
            url=_home_url(mentorship), email=False,
        )
    record_audit_event(organization=mentorship.program.organization, actor=membership.user,
                       action="agreement.confirm", target=mentorship, details={"version": agreement.version})
    return confirmation


STARTERS_BY_PURPOSE: dict[str, list[str]] = {
    Purpose.ONBOARDING: [
        "What has surprised you most in your first weeks here?",
        "Who have you met so far, and who would you like to meet next?",
        "Which unwritten rules would you like someone to explain?",
    ],
    Purpose.RETURNERS: [
        "What has changed while you were away that you would like to catch up on?",
        "What pace of return would feel right for you?",
        "What from before your leave do you want to keep, and what do you want to do differently?",
    ],
    Purpose.CAREER: [
        "Where would you like to be in two years, and what would that look like day to day?",
        "Which recent piece of work are you proudest of, and why?",
        "What feedback have you had that you would like to act on?",
    ],
    Purpose.AI_UPSKILLING: [
        "Which tasks in your week would you most like help with from AI tools?",
        "What have you tried already, and what got in the way?",
        "Which risks (privacy, accuracy, bias) worry you most in your area?",
    ],
    Purpose.REVERSE: [
        "What would each of you like to learn from the other?",
        "Which habits or tools from your generation of work would you like to share?",
        "Where do you see things differently, and what can that teach you both?",
    ],
    Purpose.OPEN: [
        "What made you join this program?",
        "What does a useful session look like for you?",
        "How do you like to receive feedback?",
    ],
}


def conversation_starters(*, purpose: str, goal_titles: list[str]) -> list[str]:
    """Questions to open the first conversations, from the program's purpose and the mentee's goals.

    >>> conversation_starters(purpose="career", goal_titles=["Lead a team"])[-1]
    'About “Lead a team”: what would reaching it change for you, and what is the first small step?'
    """
    starters = list(STARTERS_BY_PURPOSE.get(purpose, STARTERS_BY_PURPOSE[Purpose.OPEN]))
    starters += [
        f"About “{title}”: what would reaching it change for you, and what is the first small step?"
        for title in goal_titles[:3]
    ]
    return starters


def first_session_agenda(*, purpose_label: str, goal_titles: list[str], session_minutes: int) -> list[str]:
    """A simple timed agenda for the first session.

    >>> first_session_agenda(purpose_label="Career growth", goal_titles=[], session_minutes=60)[0]
    'Introductions: who you are, what brought you to Career growth (10 min)'
    """
    intro = max(5, session_minutes // 6)
    wrap = max(5, session_minutes // 12)
    goals_part = session_minutes - 2 * intro - wrap
    goals_text = ", ".join(f"“{t}”" for t in goal_titles[:3]) or "the goals you want to set together"
    return [
        f"Introductions: who you are, what brought you to {purpose_label} ({intro} min)",
        f"Walk through the agreement: cadence, channels, boundaries and confidentiality ({intro} min)",
        f"Goals: talk through {goals_text}; make each one SMART ({goals_part} min)",
        f"Wrap up: next steps as checklist items, and the date of the next session ({wrap} min)",
    ]
