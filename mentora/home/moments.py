"""Moments worth marking on the home page: an agreement confirmed, a milestone reached, a goal
achieved, a mentorship completed — from the last few days, at most a few, calmly (2 queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership
from mentora.goals.models import Goal, GoalStatus, Milestone
from mentora.home.relationships import MentorshipCard
from mentora.mentorships.models import Agreement, MentorshipStatus

__all__ = ["RECENT", "Moment", "recent_moments"]

#: How long a moment stays on the home page.
RECENT = timedelta(days=7)
MAX_MOMENTS = 3


@dataclass(frozen=True)
class Moment:
    text: str
    url: str
    at: datetime


def recent_moments(membership: Membership, *, cards: list[MentorshipCard], now: datetime) -> list[Moment]:
    org = membership.organization.slug
    since = now - RECENT
    by_id = {c.mentorship.pk: c for c in cards}
    moments = [
        Moment(text=_("You completed your mentorship with %(names)s. Well done!") % {"names": c.names},
               url=reverse("mentorships:home", args=[org, c.mentorship.pk]), at=c.mentorship.ended_at)
        for c in cards
        if c.mentorship.status == MentorshipStatus.COMPLETED and c.mentorship.ended_at and c.mentorship.ended_at >= since
    ]
    open_ids = [pk for pk, c in by_id.items() if c.mentorship.is_open]
    agreements = (Agreement.objects.filter(mentorship_id__in=open_ids, confirmations__confirmed_at__gte=since)
                  .prefetch_related("confirmations").distinct())
    for agreement in agreements:
        card = by_id[agreement.mentorship_id]
        confirmed = {c.membership_id: c.confirmed_at for c in agreement.confirmations.all()}
        members = {m.pk for m in card.others} | {membership.pk}
        if members <= set(confirmed):
            moments.append(Moment(text=_("Your agreement with %(names)s is confirmed. A good start!") % {"names": card.names},
                                  url=reverse("mentorships:agreement", args=[org, agreement.mentorship_id]),
                                  at=max(confirmed.values())))
    for milestone in (Milestone.objects.filter(goal__mentorship_id__in=by_id, done_at__gte=since)
                      .select_related("goal").order_by("-done_at")[:MAX_MOMENTS]):
        assert milestone.done_at is not None
        moments.append(Moment(text=_("Milestone reached: “%(m)s”.") % {"m": milestone.title},
                              url=reverse("goals:detail", args=[org, milestone.goal_id]), at=milestone.done_at))
    for goal in Goal.objects.filter(mentorship_id__in=by_id, status=GoalStatus.ACHIEVED, updated_at__gte=since)[:MAX_MOMENTS]:
        moments.append(Moment(text=_("Goal achieved: “%(g)s”.") % {"g": goal.title},
                              url=reverse("goals:detail", args=[org, goal.pk]), at=goal.updated_at))
    return sorted(moments, key=lambda m: m.at, reverse=True)[:MAX_MOMENTS]
