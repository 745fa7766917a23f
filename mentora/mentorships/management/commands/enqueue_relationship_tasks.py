"""Enqueue the daily relationship tasks (check-ins, completion at the end date). Run from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Enqueue the daily check-in and completion tasks (safe to run more than once a day)."

    def handle(self, *args: Any, **options: Any) -> None:
        from mentora.feedback.tasks import schedule_check_ins
        from mentora.mentorships.tasks import complete_due_mentorships

        complete_due_mentorships.enqueue()
        schedule_check_ins.enqueue()
        self.stdout.write("Enqueued complete_due_mentorships and schedule_check_ins.")
