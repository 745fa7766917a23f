"""Send due meeting reminders; run it every few minutes from cron (safe to run as often as wanted)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentora.meetings.services import send_due_reminders


class Command(BaseCommand):
    help = "Send meeting reminders that are due (each person gets each reminder at most once)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{send_due_reminders()} reminder(s) sent.")
