"""Saved is saved: background work goes through the outbox, survives a queue or mail server that is
down, is retried with backoff, and what still fails is listed for admins with a Retry button."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentora.accounts.models import Invitation, User
from mentora.core.models import AuditEvent, OutboxEntry, OutboxStatus
from mentora.core.outbox import RETRY_DELAYS, drain_outbox, enqueue_on_commit
from tests.conftest import World, client_for
from tests.tasks_for_tests import always_fails

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_down(settings: Any) -> Iterator[None]:
    """The task queue is RQ on a Redis that is not there: every enqueue raises ConnectionError."""
    from mentora.core.outbox import _QueueBreaker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:{closed_port()}/0?socket_connect_timeout=1"}}
    yield
    _QueueBreaker.reset()  # the next test's queue is up


def test_after_one_failed_enqueue_the_rest_of_the_request_does_not_wait_for_the_queue(
    world: World, redis_down: None, django_capture_on_commit_callbacks: Any,
) -> None:
    from mentora.notifications.services import notify

    people = [world.mentor.user, world.mentee.user, world.member.user, world.admin.user]
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        notify(recipients=people, organization=world.org, kind="test", title="Hello")
    entries = OutboxEntry.objects.filter(task_path="mentora.notifications.tasks.email_notification")
    assert entries.filter(status=OutboxStatus.PENDING, enqueued_at__isnull=True).count() == 4
    # One entry tried the queue (and reset enqueued_at); the other three did not touch it.
    assert sum("enqueued_at" in q["sql"] and "UPDATE" in q["sql"] for q in captured.captured_queries) == 2


@pytest.fixture
def smtp_down(settings: Any) -> None:
    """Mail goes to an SMTP server that refuses connections."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2


def bring_back(settings: Any) -> None:
    """The queue and the mail server answer again."""
    settings.TASKS = IMMEDIATE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def fall_due(entry: OutboxEntry | None = None) -> None:
    """Time passes: the next attempt(s) are due now."""
    entries = OutboxEntry.objects.filter(pk=entry.pk) if entry else OutboxEntry.objects.all()
    entries.update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_a_write_while_redis_is_down_is_saved_answered_normally_and_done_when_redis_is_back(
    world: World, as_coordinator: Client, redis_down: None, settings: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = as_coordinator.post(reverse("accounts:invite", args=["acme"]), {"email": "new@acme.test", "role": "member"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new@acme.test")
    entry = OutboxEntry.objects.get(task_path="mentora.accounts.tasks.send_invitation_email")
    assert (entry.status, entry.enqueued_at, entry.kwargs) == (OutboxStatus.PENDING, None, {"invitation_id": invitation.pk})
    assert entry.organization == world.org and not mail.outbox

    assert drain_outbox() == 0  # still down: nothing handed over, nothing lost
    bring_back(settings)
    assert drain_outbox() == 1
    entry.refresh_from_db()
    assert entry.status == OutboxStatus.DONE
    assert [m.to for m in mail.outbox] == [["new@acme.test"]]


def _book_in_two_days(world: World) -> Any:
    """The mentor books an hour with the mentee through the page, two days ahead on the hour."""
    starts_at = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    return client_for(world.mentor).post(
        reverse("meetings:book", args=["acme", world.mentorship.pk]),
        {"starts_at": timezone.localtime(starts_at).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 60,
         "channel": "video", "location": "", "agenda": "", "interval_weeks": 0, "count": ""},
    )


def test_booking_a_meeting_while_redis_is_down_answers_normally(
    world: World, redis_down: None, django_capture_on_commit_callbacks: Any,
) -> None:
    from mentora.meetings.models import Meeting

    with django_capture_on_commit_callbacks(execute=True):
        response = _book_in_two_days(world)
    assert response.status_code == 302
    assert Meeting.objects.filter(mentorship=world.mentorship).count() == 1
    assert OutboxEntry.objects.filter(status=OutboxStatus.PENDING, enqueued_at__isnull=True).exists()


def test_a_failing_task_is_retried_with_backoff_then_failed_never_dropped(db: None, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        entry = enqueue_on_commit(always_fails, note="smtp")
    delays = []
    for _ in RETRY_DELAYS:
        entry.refresh_from_db()
        assert entry.status == OutboxStatus.PENDING and "the far side is down" in entry.last_error
        delays.append(round((entry.next_attempt_at - timezone.now()).total_seconds() / 60))
        fall_due(entry)
        drain_outbox()
    entry.refresh_from_db()
    assert delays == [1, 5, 15, 30, 60]  # six tries over 111 minutes
    assert (entry.status, entry.attempts) == (OutboxStatus.FAILED, 6)
    assert drain_outbox() == 0  # a failed entry waits for a person


def test_a_notification_email_the_mail_server_refused_goes_out_on_a_later_attempt(
    world: World, smtp_down: None, settings: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    from mentora.notifications.models import Notification
    from mentora.programs.services import decide_enrollment

    with django_capture_on_commit_callbacks(execute=True):
        decide_enrollment(enrollment=world.mentee_enrollment, decision="approve", message="Welcome",
                          decided_by=world.coordinator.user)
    notification = Notification.objects.get(recipient=world.mentee.user)
    assert notification.emailed_at is None  # not claimed as sent
    bring_back(settings)
    fall_due()
    drain_outbox()
    assert [m.to for m in mail.outbox] == [["mentee@acme.test"]]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_sign_up_answers_normally_when_the_mail_server_is_down_and_the_mail_goes_out_later(
    db: None, smtp_down: None, settings: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), {"email": "new@acme.test", "password1": "a-long-pass-phrase-42",
                                                           "password2": "a-long-pass-phrase-42"})
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    assert User.objects.filter(email="new@acme.test").count() == 1
    entry = OutboxEntry.objects.get(task_path="mentora.core.tasks.send_email")
    assert entry.status == OutboxStatus.PENDING and entry.attempts == 1 and entry.last_error
    assert entry.organization is None  # platform superusers see it if it keeps failing

    bring_back(settings)
    fall_due()
    drain_outbox()
    assert [m.to for m in mail.outbox] == [["new@acme.test"]]
    assert "confirm" in mail.outbox[0].body.lower()
    entry.refresh_from_db()
    assert entry.status == OutboxStatus.DONE and entry.kwargs == {}  # the sent link is not kept


def test_password_reset_answers_normally_when_the_mail_server_is_down(
    world: World, smtp_down: None, settings: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("account_reset_password"), {"email": "member@acme.test"})
    assert response.status_code == 302
    bring_back(settings)
    fall_due()
    drain_outbox()
    assert mail.outbox and "password" in mail.outbox[0].subject.lower()


def test_a_runner_that_vanished_is_taken_over_after_its_lease(db: None) -> None:
    entry = OutboxEntry.objects.create(task_path="tests.tasks_for_tests.record_ping", kwargs={"note": "x"},
                                       status=OutboxStatus.RUNNING, attempts=1,
                                       locked_until=timezone.now() - timedelta(seconds=1))
    assert drain_outbox() == 1
    entry.refresh_from_db()
    assert (entry.status, entry.attempts) == (OutboxStatus.DONE, 2)
    assert AuditEvent.objects.filter(action="test.ping").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_deferred_entry_run_a_moment_early_goes_back_to_wait_not_lost(settings: Any) -> None:
    """RQ's scheduler keeps whole seconds: a job can start just before its entry falls due. It is
    queued again for when it is due (rounded up), not dropped until the next drain."""
    from django_tasks_db.models import DBTaskResult

    from mentora.core.outbox import run_entry

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    due = timezone.now().replace(microsecond=400_000) + timedelta(seconds=2)
    entry = OutboxEntry.objects.create(task_path="tests.tasks_for_tests.record_ping", kwargs={"note": "x"},
                                       next_attempt_at=due)
    assert run_entry(entry.pk) == ""
    entry.refresh_from_db()
    assert (entry.status, entry.attempts) == (OutboxStatus.PENDING, 0)
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["kwargs"] == {"entry_id": entry.pk}
    assert queued.run_after == due.replace(microsecond=0) + timedelta(seconds=1)


def _failed(world: World, label: str, *, organization: Any) -> OutboxEntry:
    return OutboxEntry.objects.create(
        task_path="tests.tasks_for_tests.record_ping", kwargs={"note": label}, label=label, organization=organization,
        status=OutboxStatus.FAILED, attempts=6, last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        finished_at=timezone.now(),
    )


def test_admins_see_their_organizations_failed_deliveries_and_retry_one(world: World, as_admin: Client,
                                                                        django_capture_on_commit_callbacks: Any) -> None:
    mine = _failed(world, "Email to mentee@acme.test: Welcome", organization=world.org)
    _failed(world, "Email to boss@globex.test: Secret", organization=world.other_org)
    _failed(world, "Account email to someone@else.test", organization=None)
    page = as_admin.get(reverse("core:failed_deliveries", args=["acme"])).content.decode()
    assert "mentee@acme.test" in page and "SMTPServerDisconnected" in page
    assert "globex" not in page and "someone@else.test" not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(reverse("core:failed_delivery_retry", args=["acme", mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == OutboxStatus.DONE and mine.attempts == 1
    event = AuditEvent.objects.get(action="delivery.retry")
    assert (event.organization, event.actor, event.target_id) == (world.org, world.admin.user, str(mine.pk))
    page = as_admin.get(reverse("core:failed_deliveries", args=["acme"])).content.decode()
    assert "Sending again" in page and "Retry: Email to mentee" not in page


def test_another_organizations_failed_delivery_answers_like_a_missing_one(world: World, as_admin: Client) -> None:
    theirs = _failed(world, "Email to boss@globex.test", organization=world.other_org)
    response = as_admin.post(reverse("core:failed_delivery_retry", args=["acme", theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == OutboxStatus.FAILED and not AuditEvent.objects.filter(action="delivery.retry").exists()


def test_platform_superusers_see_and_retry_the_deliveries_of_no_organization(world: World) -> None:
    from tests.factories import UserFactory

    platform = UserFactory(email="platform@mentora.test", is_superuser=True, is_staff=True)
    account_mail = _failed(world, "Account email to someone@else.test", organization=None)
    _failed(world, "Email to mentee@acme.test", organization=world.org)
    client = Client()
    client.force_login(platform)
    page = client.get(reverse("core:platform_failed_deliveries")).content.decode()
    assert "someone@else.test" in page and "mentee@acme.test" not in page
    assert client.post(reverse("core:platform_failed_delivery_retry", args=[account_mail.pk])).status_code == 302
    account_mail.refresh_from_db()
    assert account_mail.status != OutboxStatus.FAILED


def test_the_failed_deliveries_page_does_not_grow_with_rows(world: World, as_admin: Client) -> None:
    url = reverse("core:failed_deliveries", args=["acme"])

    def count() -> int:
        cache.clear()  # the page's badges are cached: count each view as a first one
        with CaptureQueriesContext(connection) as captured:
            assert as_admin.get(url).status_code == 200
        return len(captured)

    for i in range(3):
        _failed(world, f"Email {i}", organization=world.org)
    small = count()
    for i in range(20):
        _failed(world, f"Email more {i}", organization=world.org)
    assert count() == small <= 15


def test_a_meeting_invite_the_mail_server_refused_for_one_attendee_reaches_each_person_once(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    """Each attendee's invite is its own outbox entry: retrying the one that failed does not send the
    others a second copy (they used to be one task looping over the attendees)."""
    from tests.tasks_for_tests import RefusingEmailBackend

    settings.EMAIL_BACKEND = "tests.tasks_for_tests.RefusingEmailBackend"
    RefusingEmailBackend.refused = {"mentee@acme.test"}
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = _book_in_two_days(world)
        assert response.status_code == 302
        assert [m.to for m in mail.outbox] == [["mentor@acme.test"]]
        waiting = OutboxEntry.objects.get(status=OutboxStatus.PENDING)
        assert "mentee@acme.test" in waiting.label and "refused" in waiting.last_error.lower()
        RefusingEmailBackend.refused = set()
        fall_due()
        drain_outbox()
    finally:
        RefusingEmailBackend.refused = set()
    assert sorted(m.to[0] for m in mail.outbox) == ["mentee@acme.test", "mentor@acme.test"]
    invite = mail.outbox[-1]
    assert invite.attachments[0][0] == "invite.ics" and b"BEGIN:VCALENDAR" in invite.attachments[0][1]
    assert not OutboxEntry.objects.exclude(status=OutboxStatus.DONE).exists()
