"""Send due unread-message digests; run it every few minutes from cron (safe to repeat)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentora.messaging.services import send_due_digests


class Command(BaseCommand):
    help = "Email unread-message digests that are due."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{send_due_digests()} digest(s) sent.")
