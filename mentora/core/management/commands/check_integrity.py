"""Check the database: rows per table, SQLite's own check and the invariants the apps declare."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mentora.core.integrity import check_integrity


class Command(BaseCommand):
    help = "Check the database's integrity (read-only): SQLite integrity_check and every app's invariants."

    def handle(self, *args: Any, **options: Any) -> None:
        report = check_integrity()
        for line in report.describe():
            self.stdout.write(line)
        if not report.is_healthy:
            raise CommandError("The database failed its integrity check (see above).")
