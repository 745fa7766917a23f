"""Home pages per role, the demo organization, times in the viewer's zone, the embedded worker."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from mentora.core.models import AuditEvent, Organization
from mentora.programs.models import Enrollment, Program


def test_a_members_home_lists_next_steps(world, as_mentee):
    page = as_mentee.get(reverse("core:dashboard", args=["acme"])).content.decode()
    assert "Complete my profile" in page
    assert "waiting for a coordinator" in page  # the mentee's application is pending


def test_a_coordinators_home_shows_programs_with_counts(world, as_coordinator):
    page = as_coordinator.get(reverse("core:dashboard", args=["acme"])).content.decode()
    assert "Programs you run" in page and "Career Growth" in page
    assert "1 application to Career Growth waits for your decision." in page


def test_times_are_shown_in_the_viewers_zone(world, as_admin):
    """The audit log shows a UTC timestamp in the admin's profile zone."""
    world.admin.profile.timezone = "Asia/Tokyo"
    world.admin.profile.save()
    event = AuditEvent.objects.create(organization=world.org, actor=world.admin.user, action="test.zone")
    AuditEvent.objects.filter(pk=event.pk).update(created_at=datetime(2026, 1, 1, 0, 30, tzinfo=UTC))
    page = as_admin.get(reverse("core:audit_log", args=["acme"])).content.decode()
    assert "2026-01-01 09:30" in page


@pytest.mark.django_db
def test_seed_demo_builds_a_believable_organization_quickly_and_only_once(builtin_skills):
    started = time.perf_counter()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    elapsed = time.perf_counter() - started
    assert elapsed < 20
    org = Organization.objects.get(slug="northwind")
    assert org.memberships.count() == 300
    zones = set(org.memberships.values_list("profile__timezone", flat=True))
    assert len(zones) >= 4
    forms = set(Program.objects.filter(organization=org).values_list("form", flat=True))
    assert forms == {"one_on_one", "peer", "circle"}
    assert Enrollment.objects.filter(program__organization=org).count() > 100
    mentors = Enrollment.objects.filter(program__organization=org, program__form="one_on_one", role="mentor")
    assert 0 < mentors.filter(training_completed_at__isnull=True).count() < mentors.filter(
        training_completed_at__isnull=False).count()
    assert "admin@northwind.example" in out.getvalue() and "mentee1@northwind.example" in out.getvalue()
    call_command("seed_demo", stdout=StringIO())
    assert Organization.objects.filter(slug="northwind").count() == 1
    assert org.memberships.count() == 300


def test_the_in_process_worker_runs_database_tasks(transactional_db, settings):
    """`serve` starts django-tasks-db's worker on a thread: an enqueued task gets done."""
    from asgiref.local import Local
    from django_tasks import task_backends

    from mentora.core.worker import start_in_process_worker
    from tests.tasks_for_tests import record_ping

    def reset_backends() -> None:
        task_backends.__dict__.pop("settings", None)
        task_backends._connections = Local()  # type: ignore[attr-defined]

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    reset_backends()
    try:
        result = record_ping.enqueue(note="hello")
        handle = start_in_process_worker(interval=0.1)
        assert handle is not None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not AuditEvent.objects.filter(action="test.ping").exists():
            time.sleep(0.1)
        assert AuditEvent.objects.filter(action="test.ping", details={"note": "hello"}).exists()
        assert result.id
        handle.stop()
        assert not handle.thread.is_alive()
    finally:
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        reset_backends()


def test_every_page_sends_a_strict_content_security_policy(world, as_member):
    """No inline script may run (XSS defence in depth); pages and websockets stay same-origin."""
    response = as_member.get(reverse("core:dashboard", args=["acme"]))
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
