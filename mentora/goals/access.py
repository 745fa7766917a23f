"""Access to goals and their parts, always through the mentorship's access check."""

from __future__ import annotations

from django.http import Http404

from mentora.accounts.models import Membership
from mentora.goals.models import ChecklistItem, Goal, Milestone
from mentora.mentorships.access import access_relationship


def access_goal(membership: Membership, goal_id: int, *, write: bool = False) -> Goal:
    """Return the goal if the caller may see (or change) its mentorship; else 404."""
    goal = (
        Goal.objects.filter(mentorship__program__organization_id=membership.organization_id, pk=goal_id)
        .select_related("owner__user", "skill").first()
    )
    if goal is None:
        raise Http404
    goal.mentorship = access_relationship(membership, goal.mentorship_id, write=write)
    return goal


def access_milestone(membership: Membership, milestone_id: int, *, write: bool = False) -> Milestone:
    goal_id = Milestone.objects.filter(pk=milestone_id).values_list("goal_id", flat=True).first()
    if goal_id is None:
        raise Http404
    goal = access_goal(membership, goal_id, write=write)
    milestone = Milestone.objects.get(pk=milestone_id)
    milestone.goal = goal
    return milestone


def access_checklist_item(membership: Membership, item_id: int, *, write: bool = False) -> ChecklistItem:
    goal_id = ChecklistItem.objects.filter(pk=item_id).values_list("goal_id", flat=True).first()
    if goal_id is None:
        raise Http404
    goal = access_goal(membership, goal_id, write=write)
    item = ChecklistItem.objects.get(pk=item_id)
    item.goal = goal
    return item
