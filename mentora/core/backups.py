"""Back up and restore the whole database, with an integrity check after the restore.

SQLite: the sqlite3 online backup API (a consistent copy while the app keeps running).
PostgreSQL: `pg_dump -Fc` inside a REPEATABLE READ snapshot whose row counts go into the manifest,
and `pg_restore --clean --if-exists` in one transaction (all or nothing).

Each backup is two files: the data (`…sqlite3` or `…dump`) and its manifest (`….json`: engine,
time, migrations, rows per table), so the restore can prove every table came back whole.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.executor import MigrationExecutor

from mentora.core.integrity import IntegrityReport, check_integrity, table_row_counts

MANIFEST_FORMAT = "mentora-backup/1"
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
# Rows here mean someone uses the database; an empty one may have been migrated, never used.
IN_USE_TABLES = ("accounts_user", "core_organization")


class BackupError(Exception):
    """A backup or restore could not be made, or would overwrite data without --force."""


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest_path: Path
    row_counts: dict[str, int]


@dataclass(frozen=True)
class RestoreResult:
    report: IntegrityReport
    # Tables whose rows differ from the manifest: name → (in the backup, after the restore).
    count_mismatches: dict[str, tuple[int, int]]
    had_manifest: bool
    unapplied_migrations: list[str]

    @property
    def is_healthy(self) -> bool:
        return self.report.is_healthy and not self.count_mismatches


def manifest_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def default_backup_path(*, using: str = "default") -> Path:
    suffix = "sqlite3" if connections[using].vendor == "sqlite" else "dump"
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Path(settings.MENTORA_BACKUP_DIR) / f"mentora-{stamp}.{suffix}"


def backup_database(*, path: Path, using: str = "default") -> Backup:
    """Write a consistent copy of the database to `path` and its manifest beside it."""
    connection = connections[using]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    if connection.vendor == "sqlite":
        row_counts = _sqlite_backup(source=Path(connection.settings_dict["NAME"]), target=partial)
    elif connection.vendor == "postgresql":
        row_counts = _postgresql_backup(using=using, target=partial)
    else:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    partial.replace(path)  # a backup file is either whole or absent
    manifest = {
        "format": MANIFEST_FORMAT,
        "vendor": connection.vendor,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "file": path.name,
        "migrations": _applied_migrations(using=using),
        "row_counts": row_counts,
    }
    manifest_path = manifest_path_for(path)
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return Backup(path=path, manifest_path=manifest_path, row_counts=row_counts)


def database_in_use(*, using: str = "default") -> bool:
    """Whether the database holds people or organizations (a migrated but unused one does not)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for table in IN_USE_TABLES:
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608 (constant names)
                if cursor.fetchone():
                    return True
    return False


def restore_database(*, path: Path, using: str = "default", force: bool = False) -> RestoreResult:
    """Replace the database's contents with the backup at `path`, then check what came back.

    Refuses (BackupError) when the database is in use, unless `force`; the web and task processes
    should be stopped first."""
    connection = connections[using]
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    manifest = _read_manifest(path)
    vendor = _vendor_of(path)
    if vendor != connection.vendor:
        raise BackupError(f"{path} is a {vendor} backup; this database is {connection.vendor}.")
    if not force and database_in_use(using=using):
        name = connection.settings_dict["NAME"]
        raise BackupError(
            f"The database {name} already holds people or organizations; restoring would replace them. "
            "Stop the web and task processes, and run restore again with --force to overwrite it."
        )
    connection.close()
    if connection.vendor == "sqlite":
        _sqlite_restore(source=path, target=Path(connection.settings_dict["NAME"]))
    else:
        if hasattr(connection, "close_pool"):
            connection.close_pool()
        _postgresql_restore(using=using, source=path)
    report = check_integrity(using=using)
    expected = manifest.get("row_counts", {}) if manifest else {}
    mismatches = {
        table: (rows, report.row_counts.get(table, -1))
        for table, rows in expected.items() if report.row_counts.get(table, -1) != rows
    }
    return RestoreResult(report=report, count_mismatches=mismatches, had_manifest=manifest is not None,
                         unapplied_migrations=_unapplied_migrations(using=using))


# --- SQLite ---

def _sqlite_connect(database: str | Path, **kwargs: Any) -> sqlite3.Connection:
    """A plain sqlite3 connection with Django's REGEXP function: CHECK constraints written with
    `__regex` (e.g. the organization's accent colour) call it, and integrity_check evaluates them."""
    connection: sqlite3.Connection = sqlite3.connect(database, **kwargs)
    connection.create_function(
        "REGEXP", 2, lambda pattern, value: None if value is None else bool(re.search(pattern, str(value))),
        deterministic=True,
    )
    return connection


def _sqlite_backup(*, source: Path, target: Path) -> dict[str, int]:
    with closing(_sqlite_connect(source, timeout=30)) as live, closing(_sqlite_connect(target)) as copy:
        live.backup(copy)
        # A self-contained file: the copy inherits WAL mode from the live database otherwise.
        copy.execute("PRAGMA journal_mode=DELETE")
        _sqlite_check(copy, what=str(target))
        return _sqlite_row_counts(copy)


def _sqlite_restore(*, source: Path, target: Path) -> None:
    with closing(_sqlite_connect(f"file:{source}?mode=ro", uri=True)) as backup:
        _sqlite_check(backup, what=str(source))
        target.parent.mkdir(parents=True, exist_ok=True)
        with closing(_sqlite_connect(target, timeout=30)) as live:
            # Page by page into the live file: other connections see the old or the new database.
            backup.backup(live)


def _sqlite_check(database: sqlite3.Connection, *, what: str) -> None:
    verdict = [row[0] for row in database.execute("PRAGMA integrity_check").fetchall()]
    if verdict != ["ok"]:
        raise BackupError(f"{what} is damaged (SQLite integrity_check: {'; '.join(verdict[:5])}).")


def _sqlite_row_counts(database: sqlite3.Connection) -> dict[str, int]:
    tables = [row[0] for row in database.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )]
    return {table: int(database.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]) for table in tables}  # noqa: S608


# --- PostgreSQL ---

def _postgresql_backup(*, using: str, target: Path) -> dict[str, int]:
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # Count rows in the very snapshot pg_dump copies, so the manifest matches the file exactly.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = str(cursor.fetchone()[0])
        row_counts = table_row_counts(using=using)
        _run_pg_tool("pg_dump", using=using, arguments=[
            "--format=custom", f"--snapshot={snapshot}", "--no-owner", "--no-privileges", f"--file={target}",
        ], with_dbname_last=True)
    return row_counts


def _postgresql_restore(*, using: str, source: Path) -> None:
    _run_pg_tool("pg_restore", using=using, arguments=["--list", str(source)], connect=False)
    _run_pg_tool("pg_restore", using=using, arguments=[
        "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
        str(source),
    ])


def _run_pg_tool(tool: str, *, using: str, arguments: list[str], connect: bool = True,
                 with_dbname_last: bool = False) -> None:
    settings_dict = connections[using].settings_dict
    psql_args, extra_env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    executable = shutil.which(tool, path=os.environ.get("MENTORA_PG_BIN_DIR")) or shutil.which(tool) or f"/usr/bin/{tool}"
    # psql's arguments are [psql, -U user, -h host, -p port, dbname]: the same flags serve pg_dump
    # (database last) and pg_restore (database as --dbname, the archive last).
    connection_args, dbname = psql_args[1:-1], psql_args[-1]
    if not connect:
        command = [executable, *arguments]
    elif with_dbname_last:
        command = [executable, *connection_args, *arguments, dbname]
    else:
        command = [executable, *connection_args, f"--dbname={dbname}", *arguments]
    env = os.environ | (extra_env or {})
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 (fixed tool)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


# --- Manifest and migrations ---

def _vendor_of(path: Path) -> str:
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither an SQLite database nor a pg_dump custom-format archive.")


def _read_manifest(path: Path) -> dict[str, Any] | None:
    manifest_path = manifest_path_for(path)
    if not manifest_path.is_file():
        return None
    manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"{manifest_path} is not a Mentora backup manifest ({MANIFEST_FORMAT}).")
    return manifest


def _applied_migrations(*, using: str) -> dict[str, str]:
    """The last applied migration of each app (what a restored database will be at)."""
    executor = MigrationExecutor(connections[using])
    latest: dict[str, str] = {}
    for app_label, name in sorted(executor.loader.applied_migrations):
        latest[app_label] = max(latest.get(app_label, ""), name)
    return latest


def _unapplied_migrations(*, using: str) -> list[str]:
    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


__all__ = ["Backup", "BackupError", "RestoreResult", "backup_database", "database_in_use", "default_backup_path",
           "manifest_path_for", "restore_database"]
