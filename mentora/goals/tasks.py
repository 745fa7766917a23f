"""Background work for goals: open milestone reviews as milestones fall due."""

from __future__ import annotations

from django_tasks import task

from mentora.goals.reviews import open_due_reviews


@task()
def schedule_milestone_reviews() -> int:
    """Open and send the milestone reviews that are due; idempotent."""
    return open_due_reviews()
