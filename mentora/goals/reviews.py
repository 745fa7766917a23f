"""Periodic milestone reviews: when a milestone falls due, each member of the mentorship is asked
what went well, what to change and what comes next. Opened by a periodic task; idempotent."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership
from mentora.core.errors import Conflict, DomainError
from mentora.goals.models import GoalStatus, Milestone, MilestoneReview
from mentora.mentorships.models import MentorshipStatus
from mentora.notifications.services import notify

__all__ = ["REVIEW_WINDOW", "answer_review", "open_due_reviews"]

# Milestones due longer ago than this get no review (for instance when the feature is switched on
# in a running program): a review is about what just happened.
REVIEW_WINDOW = timedelta(days=14)


def _review_url(milestone: Milestone) -> str:
    return reverse("goals:review", args=[milestone.goal.mentorship.program.organization.slug, milestone.pk])


def open_due_reviews(*, today: date | None = None) -> int:
    """Open a review per current member for every milestone of an active mentorship that fell due
    within REVIEW_WINDOW, and notify each member once. Safe to run any number of times: reviews are
    unique per milestone and member in the database, and notifications carry dedupe keys.
    Returns how many reviews were sent."""
    today = today or timezone.localdate()
    milestones = (
        Milestone.objects.filter(due_on__lte=today, due_on__gt=today - REVIEW_WINDOW,
                                 goal__mentorship__status=MentorshipStatus.ACTIVE)
        .exclude(goal__status=GoalStatus.DROPPED)
        .select_related("goal__mentorship__program__organization")
        .prefetch_related("goal__mentorship__members__membership__user")
    )
    sent = 0
    for milestone in milestones:
        for seat in milestone.goal.mentorship.active_members():
            sent += _open_review(milestone, seat.membership)
    return sent


@transaction.atomic
def _open_review(milestone: Milestone, respondent: Membership) -> int:
    review, _created = MilestoneReview.objects.get_or_create(
        milestone=milestone, respondent=respondent, defaults={"due_on": milestone.due_on})
    if review.sent_at is not None:
        return 0
    notify(recipients=[review.respondent.user], organization=milestone.goal.mentorship.program.organization,
           kind="milestone.review",
           title=_("Milestone “%(m)s” is due: take five minutes to review it.") % {"m": milestone.title},
           url=_review_url(milestone), dedupe_key=f"milestone-review:{review.pk}:sent")
    return MilestoneReview.objects.filter(pk=review.pk, sent_at__isnull=True).update(sent_at=timezone.now())


@transaction.atomic
def answer_review(*, review: MilestoneReview, went_well: str, to_change: str, next_goals: str) -> MilestoneReview:
    """Store a member's review (once); the others in the mentorship are told it is there to read."""
    if review.answered_at is not None:
        raise Conflict(_("You already reviewed this milestone."))
    answers = {"went_well": went_well.strip(), "to_change": to_change.strip(), "next_goals": next_goals.strip()}
    for name, value in answers.items():
        if not value:
            raise DomainError(_("Answer each question, even briefly."), field=name)
    for name, value in answers.items():
        setattr(review, name, value)
    review.answered_at = timezone.now()
    review.save(update_fields=[*answers, "answered_at"])
    milestone = review.milestone
    mentorship = milestone.goal.mentorship
    others = [m.membership.user for m in mentorship.active_members() if m.membership_id != review.respondent_id]
    notify(recipients=others, organization=mentorship.program.organization, kind="milestone.reviewed",
           title=_("%(name)s reviewed the milestone “%(m)s”.")
           % {"name": review.respondent.user.display_name, "m": milestone.title},
           url=_review_url(milestone), email=False)
    return review
