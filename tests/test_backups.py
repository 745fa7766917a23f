"""Backups: `manage.py backup` then `manage.py restore` into a fresh database gives back every row of
every table with the invariants intact; a restore never overwrites a database in use unless forced."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from mentora.core.backups import BackupError, _sqlite_connect, backup_database, restore_database
from mentora.core.demo import seed_demo
from mentora.core.integrity import check_integrity, table_row_counts
from mentora.meetings.services import book_meeting
from mentora.mentorships.models import MentorshipMember
from mentora.programs.models import Enrollment
from tests.conftest import World

ROOT = Path(__file__).resolve().parent.parent
INVARIANTS = {
    "meetings.no_overlapping_meetings_per_person",
    "meetings.seats_carry_their_meetings_time",
    "mentorships.member_copies_match_their_mentorship",
    "mentorships.mentor_places_match_open_mentorships",
    "mentorships.open_pairs_have_one_mentor_and_one_mentee",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run manage.py in its own process against the database the environment names."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"))}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=inherited | env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def seeded(world: World) -> dict[str, int]:
    """A small demo organization plus the shared world, with a single meeting and a weekly series."""
    seed_demo(people=24)
    soon = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    book_meeting(mentorship=world.mentorship, booked_by=world.mentee.user, starts_at=soon)
    book_meeting(mentorship=world.mentorship, booked_by=world.mentor.user, starts_at=soon + timedelta(hours=3),
                 interval_weeks=1, count=4)
    counts = table_row_counts()
    assert counts["meetings_attendee"] >= 10 and counts["mentorships_mentorshipmember"] >= 10
    return counts


def _sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as database:
        tables = [row[0] for row in database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )]
        return {table: database.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}


def _assert_restored_and_healthy(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Integrity check passed" in result.stdout
    for name in INVARIANTS:
        assert f"ok     {name}" in result.stdout


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_backup_restores_into_a_fresh_database_with_every_row(seeded: dict[str, int], tmp_path: Path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip (the PostgreSQL one is its own test)")
    backup = tmp_path / "mentora.sqlite3"
    call_command("backup", str(backup))
    manifest = json.loads((tmp_path / "mentora.sqlite3.json").read_text())
    assert manifest["vendor"] == "sqlite" and manifest["row_counts"] == seeded

    fresh = tmp_path / "fresh.sqlite3"
    result = manage("restore", str(backup), DJANGO_SETTINGS_MODULE="config.settings.test", MENTORA_SQLITE_PATH=str(fresh))

    _assert_restored_and_healthy(result)
    assert _sqlite_counts(fresh) == seeded
    with closing(_sqlite_connect(fresh)) as restored:
        assert restored.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_into_a_fresh_database_with_every_row(seeded: dict[str, int], tmp_path: Path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (the PostgreSQL stage of bin/test does)")
    backup = tmp_path / "mentora.dump"
    call_command("backup", str(backup))
    assert backup.read_bytes()[:5] == b"PGDMP"
    assert json.loads((tmp_path / "mentora.dump.json").read_text())["row_counts"] == seeded

    with _fresh_postgresql_database() as fresh_url:
        result = manage("restore", str(backup), DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=fresh_url)
        _assert_restored_and_healthy(result)
        assert _postgresql_counts(fresh_url) == seeded


@pytest.fixture
def mentor_with_a_mentee(world: World) -> Enrollment:
    enrollment = world.mentor_enrollment
    enrollment.refresh_from_db()
    assert enrollment.assigned == 1
    return enrollment


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_in_use_without_force(mentor_with_a_mentee: Enrollment, tmp_path: Path):
    backup = backup_database(path=tmp_path / "backup.bin")
    before = table_row_counts()

    with pytest.raises(BackupError, match=r"already holds people or organizations.*--force"):
        restore_database(path=backup.path)

    assert table_row_counts() == before


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path, db: None):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    with pytest.raises(BackupError, match="neither an SQLite database nor a pg_dump"):
        restore_database(path=bogus, force=True)
    with pytest.raises(BackupError, match="No backup file"):
        restore_database(path=tmp_path / "missing.dump", force=True)


def test_the_integrity_check_names_a_mentor_whose_places_disagree_with_their_mentorships(mentor_with_a_mentee: Enrollment):
    assert check_integrity().is_healthy
    Enrollment.objects.filter(pk=mentor_with_a_mentee.pk).update(assigned=0)

    report = check_integrity()

    assert not report.is_healthy
    [problem] = report.violations["mentorships.mentor_places_match_open_mentorships"]
    assert f"enrollment {mentor_with_a_mentee.pk}" in problem and "0 places claimed, 1 open mentorships led" in problem


def test_the_integrity_check_names_a_pair_left_without_its_mentee(world: World):
    MentorshipMember.objects.filter(mentorship=world.mentorship, role="mentee").update(left_at=timezone.now())

    found = check_integrity().violations["mentorships.open_pairs_have_one_mentor_and_one_mentee"]

    assert found == [f"mentorship {world.mentorship.pk}: 1 mentors and 0 mentees"]


def test_check_integrity_fails_the_command_when_an_invariant_breaks(mentor_with_a_mentee: Enrollment):
    healthy = StringIO()
    call_command("check_integrity", stdout=healthy)
    assert "ok     mentorships.mentor_places_match_open_mentorships" in healthy.getvalue()
    Enrollment.objects.filter(pk=mentor_with_a_mentee.pk).update(assigned=0)
    broken = StringIO()
    with pytest.raises(CommandError, match="failed its integrity check"):
        call_command("check_integrity", stdout=broken)
    assert "FAILED mentorships.mentor_places_match_open_mentorships: 1 rows" in broken.getvalue()


# --- PostgreSQL helpers ---

def _maintenance_url() -> str:
    params = connection.settings_dict
    return f"postgresql://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"


@contextmanager
def _fresh_postgresql_database() -> Iterator[str]:
    """An empty database beside the test database, dropped afterwards."""
    import psycopg

    name = f"{connection.settings_dict['NAME']}_restore"
    password = connection.settings_dict.get("PASSWORD") or None
    with psycopg.connect(f"{_maintenance_url()}/postgres", autocommit=True, password=password) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{_maintenance_url()}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgresql_counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url, password=connection.settings_dict.get("PASSWORD") or None) as restored:
        tables = [row[0] for row in restored.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        )]
        return {table: restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}

