"""Run due periodic jobs once (for cron), or forever with --loop."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mentora.core.periodic import registered_jobs, run_periodic_pass


class Command(BaseCommand):
    help = "Run the periodic jobs that are due (request expiry, reminders, check-ins, completion at the end date)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep running, checking every 30 s.")
        parser.add_argument("--force", action="store_true", help="Run every job now, due or not.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            ran = run_periodic_pass(force=options["force"])
            self.stdout.write(f"Ran {len(ran)} of {len(registered_jobs())} jobs: {', '.join(ran) or '—'}")
            if not options["loop"]:
                return
            time.sleep(30)
