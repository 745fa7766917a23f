"""Periodic jobs: each runs at most once per interval, even with several workers polling."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from mentora.accounts.models import User
from mentora.core import periodic


def test_a_due_job_runs_once_per_interval(db, monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(periodic, "_JOBS", {})
    periodic.register_periodic("test.tick", lambda: calls.append(1), every=timedelta(minutes=5))
    cache.delete("mentora:periodic:test.tick")
    assert periodic.run_due_jobs() == ["test.tick"]
    assert periodic.run_due_jobs() == []  # a second worker in the same interval does nothing
    assert calls == [1]
    assert periodic.run_due_jobs(force=True) == ["test.tick"]
    assert calls == [1, 1]


def test_a_failing_job_does_not_stop_the_others(db, monkeypatch):
    ran: list[str] = []
    monkeypatch.setattr(periodic, "_JOBS", {})

    def broken() -> None:
        raise RuntimeError("boom")

    periodic.register_periodic("test.a", broken, every=timedelta(minutes=1))
    periodic.register_periodic("test.b", lambda: ran.append("b"), every=timedelta(minutes=1))
    assert periodic.run_due_jobs(force=True) == ["test.a", "test.b"]
    assert ran == ["b"]


def test_the_product_registers_its_jobs_and_the_command_runs_them(db):
    names = {job.name for job in periodic.registered_jobs()}
    assert {"matching.expire_requests", "feedback.schedule_check_ins", "mentorships.complete_due"} <= names
    out = StringIO()
    call_command("run_periodic", "--force", stdout=out)
    assert "matching.expire_requests" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_periodic_loop_recovers_when_the_database_dropped_its_connection(monkeypatch):
    """bench/faults.py F2: after pg_terminate_backend, `run_periodic --loop` failed every job forever."""
    counted: list[int] = []
    monkeypatch.setattr(periodic, "_JOBS", {})
    periodic.register_periodic("test.count", lambda: counted.append(User.objects.count()), every=timedelta(minutes=1))
    assert periodic.run_periodic_pass(force=True) == ["test.count"]
    connection.ensure_connection()
    connection.connection.close()  # what PostgreSQL's pg_terminate_backend leaves behind Django's back
    assert periodic.run_periodic_pass(force=True) == ["test.count"]
    assert counted == [0, 0]
