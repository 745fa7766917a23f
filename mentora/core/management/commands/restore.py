"""Restore a backup made by `manage.py backup`, then check the database's integrity."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentora.core.backups import BackupError, restore_database


class Command(BaseCommand):
    help = ("Replace the database's contents with a backup, then check it: rows per table against the "
            "manifest, SQLite's integrity_check and the apps' invariants. Stop the web and task processes first.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="A backup file written by manage.py backup.")
        parser.add_argument("--force", action="store_true",
                            help="Overwrite a database that already holds people or organizations.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore_database(path=Path(options["path"]), force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {options['path']}.")
        for line in result.report.describe():
            self.stdout.write(line)
        if not result.had_manifest:
            self.stdout.write(self.style.WARNING("No manifest beside the backup: row counts not compared."))
        for table, (expected, found) in sorted(result.count_mismatches.items()):
            self.stdout.write(f"FAILED rows in {table}: {expected} in the backup, {found} restored")
        if result.unapplied_migrations:
            self.stdout.write(self.style.WARNING(
                f"The backup predates {len(result.unapplied_migrations)} migrations of this version: run manage.py migrate."
            ))
        if not result.is_healthy:
            raise CommandError("The restored database failed its integrity check (see above).")
        self.stdout.write(self.style.SUCCESS("Integrity check passed: every table's rows match the backup, invariants hold."))
