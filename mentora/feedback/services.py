"""Check-ins (scheduled by tasks), feedback both ways, self-assessments and evaluations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership
from mentora.core.errors import Conflict, DomainError
from mentora.core.models import record_audit_event
from mentora.feedback.models import (
    RESEND_AFTER,
    AssessmentPhase,
    CheckIn,
    Evaluation,
    Feedback,
    FeedbackKind,
    FeedbackSettings,
    Outcome,
    SelfAssessment,
    SelfRating,
)
from mentora.goals.models import Goal, Milestone
from mentora.mentorships.models import MemberRole, Mentorship, MentorshipStatus
from mentora.mentorships.safety import coordinators_of
from mentora.notifications.services import notify
from mentora.programs.models import Program

__all__ = ["answer_check_in", "assessment_skills", "check_in_due_dates", "give_feedback", "save_evaluation",
           "save_feedback_settings", "save_self_assessment", "send_due_check_ins", "settings_for"]

MENTOR_ROLES = (MemberRole.MENTOR, MemberRole.FACILITATOR)
DEFAULT_SKILLS = ["Confidence", "Clarity about my next step", "Professional network"]
MAX_COMPETENCIES = 20


@transaction.atomic
def save_feedback_settings(
    *, program: Program, by: Membership, first_check_in_after_days: int, check_in_every_weeks: int,
    allow_anonymous_feedback: bool, competencies: Sequence[str],
) -> FeedbackSettings:
    """Set a program's check-in cadence, feedback anonymity and competency list (coordinators).
    A new cadence applies from the next round; rounds already sent stay as they are."""
    if not 1 <= first_check_in_after_days <= 90:
        raise DomainError(_("Choose between 1 and 90 days."), field="first_check_in_after_days")
    if not 1 <= check_in_every_weeks <= 26:
        raise DomainError(_("Choose between 1 and 26 weeks."), field="check_in_every_weeks")
    names = list(dict.fromkeys(c.strip()[:120] for c in competencies if c.strip()))
    if len(names) > MAX_COMPETENCIES:
        raise DomainError(_("List at most %(n)s competencies.") % {"n": MAX_COMPETENCIES}, field="competencies")
    found, _created = FeedbackSettings.objects.update_or_create(program=program, defaults={
        "first_check_in_after_days": first_check_in_after_days, "check_in_every_weeks": check_in_every_weeks,
        "allow_anonymous_feedback": allow_anonymous_feedback, "competencies": names,
    })
    record_audit_event(organization=program.organization, actor=by.user, action="feedback_settings.update",
                       target=program, details={"every_weeks": check_in_every_weeks,
                                                "anonymous": allow_anonymous_feedback})
    return found


def settings_for(mentorship: Mentorship) -> FeedbackSettings:
    """The program's settings, or unsaved defaults."""
    found = FeedbackSettings.objects.filter(program_id=mentorship.program_id).first()
    return found or FeedbackSettings(program_id=mentorship.program_id)


def check_in_due_dates(*, anchor: date, every_weeks: int, until: date) -> list[date]:
    """Due dates from the anchor, every N weeks, up to and including `until`.

    >>> check_in_due_dates(anchor=date(2030, 1, 1), every_weeks=2, until=date(2030, 1, 29))
    [datetime.date(2030, 1, 1), datetime.date(2030, 1, 15), datetime.date(2030, 1, 29)]
    """
    dates = []
    due = anchor
    while due <= until:
        dates.append(due)
        due += timedelta(weeks=every_weeks)
    return dates


def _check_in_url(check_in: CheckIn) -> str:
    return reverse("feedback:check_in", args=[check_in.mentorship.program.organization.slug, check_in.pk])


def send_due_check_ins(*, today: date | None = None) -> int:
    """Open this round's check-in for every member of every active mentorship, notify them, and
    re-send once those unanswered after RESEND_AFTER. Safe to run any number of times: rounds are
    unique in the database and notifications carry dedupe keys. Returns how many were sent or re-sent."""
    today = today or timezone.localdate()
    sent = 0
    mentorships = (
        Mentorship.objects.filter(status=MentorshipStatus.ACTIVE, started_on__isnull=False)
        .select_related("program__organization").prefetch_related("members__membership__user")
    )
    settings_by_program = {s.program_id: s for s in FeedbackSettings.objects.all()}
    for mentorship in mentorships:
        rules = settings_by_program.get(mentorship.program_id) or FeedbackSettings()
        first_session = mentorship.session_logs.order_by("held_on").values_list("held_on", flat=True).first()
        assert mentorship.started_on is not None
        # "After the first session", or a fixed delay after the start when nobody logged one.
        anchor = (first_session + timedelta(days=1) if first_session
                  else mentorship.started_on + timedelta(days=rules.first_check_in_after_days))
        until = min(today, mentorship.ends_on) if mentorship.ends_on else today
        due_dates = check_in_due_dates(anchor=anchor, every_weeks=rules.check_in_every_weeks, until=until)
        if not due_dates:
            continue
        for seat in mentorship.active_members():
            sent += _open_check_in(mentorship, seat.membership, sequence=len(due_dates), due_on=due_dates[-1])
    sent += _resend_unanswered()
    return sent


@transaction.atomic
def _open_check_in(mentorship: Mentorship, respondent: Membership, *, sequence: int, due_on: date) -> int:
    check_in, _created = CheckIn.objects.get_or_create(
        mentorship=mentorship, respondent=respondent, sequence=sequence, defaults={"due_on": due_on},
    )
    if check_in.sent_at is not None:
        return 0
    check_in.mentorship = mentorship
    notify(recipients=[respondent.user], organization=mentorship.program.organization, kind="check_in.due",
           title=_("How is your mentorship going? Two minutes for check-in %(n)s.") % {"n": sequence},
           url=_check_in_url(check_in), dedupe_key=f"check-in:{check_in.pk}:sent")
    return CheckIn.objects.filter(pk=check_in.pk, sent_at__isnull=True).update(sent_at=timezone.now())


def _resend_unanswered() -> int:
    resent = 0
    stale = (CheckIn.objects.unanswered()
             .filter(sent_at__lte=timezone.now() - RESEND_AFTER, resent_at__isnull=True,
                     mentorship__status=MentorshipStatus.ACTIVE)
             .select_related("mentorship__program__organization", "respondent__user"))
    for check_in in stale:
        with transaction.atomic():
            notify(recipients=[check_in.respondent.user], organization=check_in.mentorship.program.organization,
                   kind="check_in.reminder",
                   title=_("Reminder: your check-in %(n)s is waiting.") % {"n": check_in.sequence},
                   url=_check_in_url(check_in), dedupe_key=f"check-in:{check_in.pk}:resent")
            resent += CheckIn.objects.filter(pk=check_in.pk, resent_at__isnull=True).update(resent_at=timezone.now())
    return resent


@transaction.atomic
def answer_check_in(
    *, check_in: CheckIn, going_well: int, meeting_regularly: bool, usefulness: int, comment: str = "",
    flag_to_coordinator: str = "",
) -> CheckIn:
    """Store the answers; a flag reaches the coordinators privately (never the other side)."""
    if check_in.answered_at is not None:
        raise Conflict(_("You already answered this check-in."))
    for name, value in (("going_well", going_well), ("usefulness", usefulness)):
        if not 1 <= value <= 5:
            raise DomainError(_("Choose a value from 1 to 5."), field=name)
    check_in.going_well, check_in.usefulness = going_well, usefulness
    check_in.meeting_regularly = meeting_regularly
    check_in.comment, check_in.flag_to_coordinator = comment.strip(), flag_to_coordinator.strip()
    check_in.answered_at = timezone.now()
    check_in.save()
    if check_in.flag_to_coordinator:
        mentorship = check_in.mentorship
        organization = mentorship.program.organization
        notify(recipients=[c.user for c in coordinators_of(mentorship)], organization=organization,
               kind="check_in.flag", title=_("A check-in in %(p)s was flagged to you.") % {"p": mentorship.program.name},
               url=reverse("feedback:flags", args=[organization.slug]))
        record_audit_event(organization=organization, actor=check_in.respondent.user, action="check_in.flag",
                           target=mentorship)
    return check_in


@transaction.atomic
def give_feedback(
    *, mentorship: Mentorship, author: Membership, recipient: Membership, body: str, kind: str = FeedbackKind.FEEDBACK,
    is_anonymous: bool = False, style_rating: int | None = None, usefulness_rating: int | None = None,
    listening_rating: int | None = None, goal: Goal | None = None, milestone: Milestone | None = None,
) -> Feedback:
    """Feedback or kudos to another member of the same mentorship."""
    member_ids = {m.membership_id for m in mentorship.active_members()}
    if recipient.pk not in member_ids or recipient.pk == author.pk:
        raise DomainError(_("Choose someone else in this mentorship."), field="recipient")
    if not body.strip():
        raise DomainError(_("Write a few words."), field="body")
    if is_anonymous and not settings_for(mentorship).allow_anonymous_feedback:
        raise DomainError(_("This program does not allow anonymous feedback."), field="is_anonymous")
    if kind not in FeedbackKind.values:
        raise DomainError(_("Choose feedback or kudos."), field="kind")
    if goal is not None and goal.mentorship_id != mentorship.pk:
        raise DomainError(_("Choose one of this mentorship's goals."), field="goal")
    if milestone is not None:
        if milestone.goal.mentorship_id != mentorship.pk:
            raise DomainError(_("Choose one of this mentorship's milestones."), field="milestone")
        goal = goal or milestone.goal
    for name, value in (("style_rating", style_rating), ("usefulness_rating", usefulness_rating),
                        ("listening_rating", listening_rating)):
        if value is not None and not 1 <= value <= 5:
            raise DomainError(_("Choose a value from 1 to 5."), field=name)
    feedback = Feedback.objects.create(
        mentorship=mentorship, author=author, recipient=recipient, kind=kind, body=body.strip(),
        is_anonymous=is_anonymous, style_rating=style_rating, usefulness_rating=usefulness_rating,
        listening_rating=listening_rating, goal=goal, milestone=milestone,
    )
    who = _("Someone in your mentorship") if is_anonymous else author.user.display_name
    title = (_("%(who)s gave you kudos!") if kind == FeedbackKind.KUDOS else _("%(who)s gave you feedback.")) % {"who": who}
    notify(recipients=[recipient.user], organization=mentorship.program.organization, kind=f"feedback.{kind}",
           title=title, url=reverse("feedback:feedback", args=[mentorship.program.organization.slug, mentorship.pk]))
    return feedback


def assessment_skills(mentorship: Mentorship, membership: Membership) -> list[str]:
    """What a mentee rates themself on: the skills of their goals, then the program's competencies."""
    skills = [
        name for name in Goal.objects.filter(mentorship=mentorship, owner=membership, skill__isnull=False)
        .values_list("skill__name", flat=True)
    ]
    skills += [str(c) for c in settings_for(mentorship).competencies]
    if not skills:
        skills = list(Goal.objects.filter(mentorship=mentorship, owner=membership).values_list("title", flat=True))
    unique = list(dict.fromkeys(s.strip()[:120] for s in skills if s.strip()))
    return unique or list(DEFAULT_SKILLS)


@transaction.atomic
def save_self_assessment(*, mentorship: Mentorship, membership: Membership, phase: str,
                         ratings: Mapping[str, int]) -> SelfAssessment:
    if phase not in AssessmentPhase.values:
        raise DomainError(_("Unknown phase."), field="phase")
    if phase == AssessmentPhase.END and not SelfAssessment.objects.filter(
            mentorship=mentorship, membership=membership, phase=AssessmentPhase.START).exists():
        raise Conflict(_("Rate yourself at the start first, so there is something to compare with."))
    if not ratings or any(not 1 <= r <= 5 for r in ratings.values()):
        raise DomainError(_("Rate each skill from 1 to 5."))
    if set(ratings) - set(assessment_skills(mentorship, membership)):
        raise DomainError(_("Rate yourself on the skills listed."), field="ratings")
    try:
        with transaction.atomic():
            assessment = SelfAssessment.objects.create(mentorship=mentorship, membership=membership, phase=phase)
    except IntegrityError:
        raise Conflict(_("You already rated yourself for this phase.")) from None
    SelfRating.objects.bulk_create([SelfRating(assessment=assessment, skill=s[:120], rating=r) for s, r in ratings.items()])
    return assessment


@transaction.atomic
def save_evaluation(*, mentorship: Mentorship, membership: Membership, satisfaction: int, nps: int, outcomes: str,
                    comments: str = "") -> Evaluation:
    if mentorship.is_open:
        raise Conflict(_("The evaluation opens when the mentorship ends."))
    if not 1 <= satisfaction <= 5:
        raise DomainError(_("Choose a value from 1 to 5."), field="satisfaction")
    if not 0 <= nps <= 10:
        raise DomainError(_("Choose a value from 0 to 10."), field="nps")
    if outcomes not in Outcome.values:
        raise DomainError(_("Choose an answer."), field="outcomes")
    try:
        with transaction.atomic():
            return Evaluation.objects.create(mentorship=mentorship, membership=membership, satisfaction=satisfaction,
                                             nps=nps, outcomes=outcomes, comments=comments.strip())
    except IntegrityError:
        raise Conflict(_("You already sent your evaluation.")) from None
