"""Back up the database (SQLite online backup or pg_dump) with a manifest of rows per table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentora.core.backups import BackupError, backup_database, default_backup_path


class Command(BaseCommand):
    help = "Write a consistent backup of the database (safe while Mentora runs) and its manifest (PATH.json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="Backup file (default: MENTORA_BACKUP_DIR/mentora-<UTC time>.sqlite3|.dump).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"]) if options["path"] else default_backup_path()
        try:
            backup = backup_database(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(backup.row_counts.values())
        self.stdout.write(f"Backed up {rows} rows in {len(backup.row_counts)} tables to {backup.path}")
        self.stdout.write(f"Manifest: {backup.manifest_path} (keep it with the backup)")
