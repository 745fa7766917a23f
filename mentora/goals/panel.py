"""The goals section of the mentorship home page (two queries, however many goals)."""

from __future__ import annotations

from typing import Any

from mentora.goals.models import Goal


def goals_panel_context(membership: Any, mentorship: Any) -> dict[str, Any]:
    goals = list(Goal.objects.filter(mentorship=mentorship).with_progress().prefetch_related("milestones"))
    for goal in goals:
        pending = (m for m in goal.milestones.all() if m.done_at is None)
        goal.next_milestone = next(pending, None)  # type: ignore[attr-defined]
    can_edit = mentorship.is_open and any(
        m.membership_id == membership.pk and m.left_at is None for m in mentorship.members.all()
    )
    return {"goals": goals, "mentorship": mentorship, "can_edit": can_edit}
