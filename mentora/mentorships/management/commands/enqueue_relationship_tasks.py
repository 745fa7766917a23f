"""Enqueue the daily relationship tasks (check-ins, milestone reviews, completion at the end date)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Enqueue the daily check-in, milestone review and completion tasks (safe to run more than once a day)."

    def handle(self, *args: Any, **options: Any) -> None:
        from mentora.core.outbox import enqueue_on_commit
        from mentora.feedback.tasks import schedule_check_ins
        from mentora.goals.tasks import schedule_milestone_reviews
        from mentora.mentorships.tasks import complete_due_mentorships

        for task in (complete_due_mentorships, schedule_check_ins, schedule_milestone_reviews):
            enqueue_on_commit(task)
        self.stdout.write("Enqueued complete_due_mentorships, schedule_check_ins and schedule_milestone_reviews.")
