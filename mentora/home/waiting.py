"""What waits on a participant (mentee, mentor, peer): each item a sentence and a link to the exact page.

Every source reads only the viewer's own rows in the viewer's organization, with a fixed number of
queries. Items are sorted so what is overdue comes first, then what is due soonest, then the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentora.accounts.models import Membership
from mentora.feedback.models import CheckIn, Evaluation
from mentora.goals.models import Goal, GoalStatus, Milestone, MilestoneReview, QuizAttempt
from mentora.goals.quizzes import QUIZ_TAKER_ROLES, attempts_left
from mentora.home.relationships import MentorshipCard
from mentora.matching.models import MentorshipRequest, RequestStatus
from mentora.mentorships.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Agreement,
    MentorshipStatus,
)
from mentora.profiles.models import Profile
from mentora.programs.models import Enrollment, EnrollmentRole, EnrollmentStatus, MatchingMode

__all__ = ["DUE_SOON", "EVALUATION_WINDOW", "WaitingItem", "participant_waiting"]

#: A milestone or goal due within this many days is shown as due soon.
DUE_SOON = timedelta(days=7)
#: The evaluation is asked for this long after a mentorship ends; later it would be noise.
EVALUATION_WINDOW = timedelta(days=60)


@dataclass(frozen=True)
class WaitingItem:
    """One thing for this person to do (or to know is under way), with where to do it."""

    kind: str
    text: str
    url: str
    action: str
    due_on: date | None = None
    is_overdue: bool = False
    #: Under way, nothing to do now (a sent request, an application being read): shown last, quieter.
    is_info: bool = False

    @property
    def sort_key(self) -> tuple[int, date, str]:
        group = 0 if self.is_overdue else 2 if self.is_info else 1
        return (group, self.due_on or date.max, self.kind)


def _when(due_on: date, today: date) -> str:
    """“today”, “tomorrow”, “in 3 days”, “3 days ago” or the date, for a due date."""
    days = (due_on - today).days
    if days == 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    if 1 < days <= 14:
        return ngettext("in %(n)d day", "in %(n)d days", days) % {"n": days}
    if -14 <= days < 0:
        return ngettext("%(n)d day ago", "%(n)d days ago", -days) % {"n": -days}
    return _("on %(date)s") % {"date": formats.date_format(due_on, "DATE_FORMAT")}


def _names_by_mentorship(cards: list[MentorshipCard]) -> dict[int, str]:
    return {c.mentorship.pk: c.names for c in cards}


def _profile_items(profile: Profile, org: str) -> list[WaitingItem]:
    if profile.completeness >= 100:
        return []
    missing = [name for name, done in profile.completeness_sections() if not done]
    return [WaitingItem(
        kind="profile", url=reverse("profiles:edit", args=[org]), action=_("Complete my profile"),
        text=_("Your profile is %(pct)d%% complete. Add %(missing)s so we can find you a good match.")
        % {"pct": profile.completeness, "missing": ", ".join(missing[:2]).lower() + ("…" if len(missing) > 2 else "")},
    )]


def _enrollment_items(enrollments: list[Enrollment], cards: list[MentorshipCard], open_request_programs: set[int],
                      org: str) -> list[WaitingItem]:
    matched_programs = {c.mentorship.program_id for c in cards if c.mentorship.status in OPEN_STATUSES}
    items = []
    for enrollment in enrollments:
        program = enrollment.program
        url = reverse("programs:detail", args=[org, program.pk])
        if enrollment.status == EnrollmentStatus.APPLIED:
            items.append(WaitingItem(kind="application.applied", url=url, action=_("See my application"), is_info=True,
                                     text=_("Your application to %(p)s is waiting for a coordinator.") % {"p": program.name}))
        elif enrollment.status == EnrollmentStatus.WAITLISTED:
            items.append(WaitingItem(kind="application.waitlisted", url=url, action=_("See the program"), is_info=True,
                                     text=_("You are on the waiting list for %(p)s.") % {"p": program.name}))
        elif (enrollment.status == EnrollmentStatus.APPROVED and enrollment.role == EnrollmentRole.MENTEE
              and program.matching_mode != MatchingMode.COORDINATOR
              and program.pk not in matched_programs and program.pk not in open_request_programs):
            items.append(WaitingItem(
                kind="mentor.choose", url=reverse("matching:suggestions", args=[org, program.pk]),
                action=_("Find a mentor"),
                text=_("You are in %(p)s: choose a mentor and send them a request.") % {"p": program.name}))
    return items


def _request_items(membership: Membership, org: str, today: date) -> tuple[list[WaitingItem], set[int]]:
    """Requests to answer (as mentor), questions to answer and requests waiting (as mentee)."""
    requests = list(
        MentorshipRequest.objects.open()
        .filter(Q(mentor=membership) | Q(mentee=membership), program__organization_id=membership.organization_id)
        .select_related("program", "mentee__user", "mentor__user").order_by("created_at")
    )
    url = reverse("matching:requests", args=[org])
    items = []
    for request in requests:
        expires_on = request.expires_at.date()
        if request.mentor_id == membership.pk and request.status == RequestStatus.PENDING:
            items.append(WaitingItem(
                kind="request.answer", url=f"{url}#req-{request.pk}", action=_("Answer"), due_on=expires_on,
                text=_("%(name)s asked you to be their mentor in %(p)s. Answer by %(when)s.")
                % {"name": request.mentee.user.display_name, "p": request.program.name,
                   "when": formats.date_format(expires_on, "j F")}))
        elif request.mentee_id == membership.pk and request.status == RequestStatus.QUESTION:
            items.append(WaitingItem(
                kind="request.question", url=f"{url}#sent-{request.pk}", action=_("Answer"), due_on=expires_on,
                text=_("%(name)s has a question about your request in %(p)s.")
                % {"name": request.mentor.user.display_name, "p": request.program.name}))
        elif request.mentee_id == membership.pk:
            items.append(WaitingItem(
                kind="request.sent", url=f"{url}#sent-{request.pk}", action=_("See my request"), is_info=True,
                text=_("Your request to %(name)s in %(p)s is waiting for an answer (until %(when)s).")
                % {"name": request.mentor.user.display_name, "p": request.program.name, "when": _when(expires_on, today)}))
    sent_programs = {r.program_id for r in requests if r.mentee_id == membership.pk}
    return items, sent_programs


def _agreement_items(membership: Membership, cards: list[MentorshipCard], org: str) -> list[WaitingItem]:
    """Agreements to confirm, and active mentorships that have none yet (1 query)."""
    open_cards = {c.mentorship.pk: c for c in cards if c.mentorship.status in OPEN_STATUSES}
    latest: dict[int, Agreement] = {}
    for version in Agreement.objects.filter(mentorship_id__in=open_cards).prefetch_related("confirmations").order_by("-version"):
        latest.setdefault(version.mentorship_id, version)
    items = []
    for mentorship_id, card in open_cards.items():
        agreement = latest.get(mentorship_id)
        if agreement is None:
            if card.mentorship.status == MentorshipStatus.ACTIVE:
                items.append(WaitingItem(
                    kind="agreement.write", url=reverse("mentorships:agreement_edit", args=[org, mentorship_id]),
                    action=_("Write the agreement"),
                    text=_("Agree with %(names)s how you will work together: goals, rhythm, boundaries.")
                    % {"names": card.names}))
        elif membership.pk not in {c.membership_id for c in agreement.confirmations.all()}:
            items.append(WaitingItem(
                kind="agreement.confirm", url=reverse("mentorships:agreement", args=[org, mentorship_id]),
                action=_("Read and confirm"),
                text=_("%(names)s proposed your mentorship agreement. Read it and confirm.") % {"names": card.names}
                if agreement.version == 1 else
                _("Your agreement with %(names)s changed (version %(v)d). Read it and confirm.")
                % {"names": card.names, "v": agreement.version}))
    return items


def _milestone_items(membership: Membership, cards: list[MentorshipCard], org: str, today: date) -> list[WaitingItem]:
    """Milestones due soon or overdue, and quizzes still to pass, in my open mentorships (2 queries)."""
    open_ids = [c.mentorship.pk for c in cards if c.mentorship.status in (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)]
    quiz_taker_ids = {c.mentorship.pk for c in cards if c.mentorship.pk in open_ids and any(
        s.membership_id == membership.pk and s.role in QUIZ_TAKER_ROLES for s in c.mentorship.active_members())}
    milestones = (
        Milestone.objects.filter(goal__mentorship_id__in=open_ids, done_at__isnull=True)
        .exclude(goal__status__in=[GoalStatus.ACHIEVED, GoalStatus.DROPPED])
        .filter(Q(due_on__lte=today + DUE_SOON) | Q(quiz__isnull=False, goal__mentorship_id__in=quiz_taker_ids))
        .select_related("goal", "quiz")
        .prefetch_related(Prefetch("quiz_attempts", queryset=QuizAttempt.objects.filter(membership=membership),
                                   to_attr="my_attempts"))
        .order_by("due_on", "pk")
    )
    items = []
    for milestone in milestones:
        overdue = milestone.due_on < today
        if milestone.quiz is not None and milestone.goal.mentorship_id in quiz_taker_ids:
            attempts = milestone.my_attempts  # type: ignore[attr-defined]
            for attempt in attempts:
                attempt.quiz = milestone.quiz  # `passed` reads the pass mark; no query per attempt
            if attempts_left(milestone.quiz, attempts) > 0:
                items.append(WaitingItem(
                    kind="quiz", url=reverse("goals:milestone_quiz", args=[org, milestone.pk]), action=_("Take the quiz"),
                    due_on=milestone.due_on, is_overdue=overdue,
                    text=_("Take the knowledge check “%(q)s” for the milestone “%(m)s”.")
                    % {"q": milestone.quiz.title, "m": milestone.title}))
                continue
        if milestone.due_on > today + DUE_SOON:
            continue
        text = (_("The milestone “%(m)s” (goal “%(g)s”) was due %(when)s.") if overdue
                else _("The milestone “%(m)s” (goal “%(g)s”) is due %(when)s."))
        items.append(WaitingItem(
            kind="milestone", url=reverse("goals:detail", args=[org, milestone.goal_id]), action=_("Open the goal"),
            due_on=milestone.due_on, is_overdue=overdue,
            text=text % {"m": milestone.title, "g": milestone.goal.title, "when": _when(milestone.due_on, today)}))
    return items


def _goal_items(cards: list[MentorshipCard], org: str, today: date) -> list[WaitingItem]:
    """Goals past their target date and not achieved (1 query)."""
    open_ids = [c.mentorship.pk for c in cards if c.mentorship.status == MentorshipStatus.ACTIVE]
    goals = Goal.objects.filter(mentorship_id__in=open_ids, target_on__lt=today).exclude(
        status__in=[GoalStatus.ACHIEVED, GoalStatus.DROPPED]).order_by("target_on", "pk")
    return [WaitingItem(
        kind="goal", url=reverse("goals:detail", args=[org, goal.pk]), action=_("Update the goal"),
        due_on=goal.target_on, is_overdue=True,
        text=_("The goal “%(g)s” was due %(when)s. Mark it achieved, or agree a new date.")
        % {"g": goal.title, "when": _when(goal.target_on, today)}) for goal in goals]


def _check_in_items(membership: Membership, cards: list[MentorshipCard], org: str, today: date) -> list[WaitingItem]:
    names = _names_by_mentorship(cards)
    open_ids = [c.mentorship.pk for c in cards if c.mentorship.status in OPEN_STATUSES]
    check_ins = CheckIn.objects.unanswered().filter(respondent=membership, mentorship_id__in=open_ids).order_by("due_on")
    return [WaitingItem(
        kind="check_in", url=reverse("feedback:check_in", args=[org, c.pk]), action=_("Answer the check-in"),
        due_on=c.due_on, is_overdue=c.is_overdue,
        text=_("How is it going with %(names)s? Your check-in takes two minutes.") % {"names": names[c.mentorship_id]},
    ) for c in check_ins]


def _review_items(membership: Membership, cards: list[MentorshipCard], org: str, today: date) -> list[WaitingItem]:
    open_ids = [c.mentorship.pk for c in cards if c.mentorship.status in OPEN_STATUSES]
    reviews = (MilestoneReview.objects.open().filter(respondent=membership, sent_at__isnull=False,
                                                       milestone__goal__mentorship_id__in=open_ids)
               .select_related("milestone").order_by("due_on"))
    return [WaitingItem(
        kind="milestone_review", url=reverse("goals:review", args=[org, r.milestone_id]), action=_("Review it"),
        due_on=r.due_on,
        text=_("The milestone “%(m)s” came due %(when)s: take five minutes to review how it went.")
        % {"m": r.milestone.title, "when": _when(r.due_on, today)}) for r in reviews]


def _evaluation_items(membership: Membership, cards: list[MentorshipCard], org: str, now: datetime) -> list[WaitingItem]:
    closed = [c for c in cards if c.mentorship.status in CLOSED_STATUSES
              and c.mentorship.ended_at and c.mentorship.ended_at >= now - EVALUATION_WINDOW]
    done = set(Evaluation.objects.filter(membership=membership, mentorship__in=[c.mentorship for c in closed])
               .values_list("mentorship_id", flat=True))
    return [WaitingItem(
        kind="evaluation", url=reverse("feedback:evaluation", args=[org, c.mentorship.pk]), action=_("Give my evaluation"),
        text=_("Your mentorship with %(names)s has ended. Tell us how it went: it helps the next people.")
        % {"names": c.names}) for c in closed if c.mentorship.pk not in done]


def _join_items(enrollments: list[Enrollment], cards: list[MentorshipCard], open_program_count: int,
                org: str) -> list[WaitingItem]:
    if enrollments or cards or not open_program_count:
        return []
    return [WaitingItem(
        kind="program.join", url=reverse("programs:list", args=[org]), action=_("See the programs"),
        text=ngettext("%(n)d program is open to you: join it to be matched with someone who fits.",
                      "%(n)d programs are open to you: join one to be matched with someone who fits.",
                      open_program_count) % {"n": open_program_count})]


def participant_waiting(membership: Membership, *, profile: Profile, enrollments: list[Enrollment],
                        cards: list[MentorshipCard], today: date, now: datetime,
                        open_program_count: int = 0) -> list[WaitingItem]:
    """Everything waiting on this participant, overdue first (7 queries, however many rows)."""
    org = membership.organization.slug
    request_items, request_programs = _request_items(membership, org, today)
    items = [
        *_join_items(enrollments, cards, open_program_count, org),
        *_profile_items(profile, org),
        *request_items,
        *_enrollment_items(enrollments, cards, request_programs, org),
        *_agreement_items(membership, cards, org),
        *_check_in_items(membership, cards, org, today),
        *_review_items(membership, cards, org, today),
        *_milestone_items(membership, cards, org, today),
        *_goal_items(cards, org, today),
        *_evaluation_items(membership, cards, org, now),
    ]
    return sorted(items, key=lambda item: item.sort_key)
