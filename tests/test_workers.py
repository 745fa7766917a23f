"""The task workers as production runs them: `manage.py rqworker default` on Redis and `manage.py
db_worker` on the database, each a real process on the test database, running every kind of task the
product has (emails, a match run, meeting invites, a deferred reminder, digests, completion steps).

Skipped with a message when Redis is missing, failed instead when MENTORA_REQUIRE_SERVICES=1 (CI).
"""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from mentora.core.models import OutboxEntry, OutboxStatus
from tests.test_services import redis_url  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 30.0


def _database_env() -> dict[str, str]:
    """Point the worker process at this test's database (its name is only known once it exists)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return {"MENTORA_SQLITE_PATH": str(db["NAME"]), "DATABASE_URL": ""}
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return {"DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}


class Worker:
    """A worker process started with the production settings and a file-based mail backend."""

    def __init__(self, command: list[str], *, mail_dir: Path, env: dict[str, str]) -> None:
        self.mail_dir = mail_dir
        full_env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_URL", "DATABASE_URL"))},
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DJANGO_SECRET_KEY": "worker-test-" + "x" * 50,
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "DJANGO_EMAIL_FILE_PATH": str(mail_dir),
            "OMP_NUM_THREADS": "1",
            **_database_env(), **env,
        }
        self.log = mail_dir.parent / "worker.log"
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=full_env,
            stdout=self.log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # warm shutdown: RQ releases its scheduler lock
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)

    def mail_text(self) -> str:
        """Every message written so far: headers decoded, bodies (and attachments) decoded."""
        texts = []
        for path in sorted(self.mail_dir.glob("*")):
            for raw in path.read_text(errors="replace").split("\n" + "-" * 79 + "\n"):
                message = email.message_from_string(raw, policy=email.policy.default)
                texts.append(f"To: {message['to']}\nSubject: {message['subject']}")
                for part in message.walk():
                    if not part.is_multipart():
                        payload = part.get_payload(decode=True) or b""
                        texts.append(payload.decode(errors="replace"))
        return "\n".join(texts)

    def wait_for(self, what: str, condition: Callable[[], object]) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        log = self.log.read_text(errors="replace")[-3000:]
        waiting = list(OutboxEntry.objects.exclude(status=OutboxStatus.DONE).values_list("label", "status", "next_attempt_at", "last_error"))
        pytest.fail(f"{what}: not done within {WAIT_SECONDS:.0f} s (worker exit code {self.process.poll()}).\n"
                    f"Outbox entries not done: {waiting}\n{log}")


@pytest.fixture
def rq_worker(redis_url: str, settings: Any, tmp_path: Path) -> Iterator[Worker]:  # noqa: F811
    """`manage.py rqworker default`, exactly as the README says, on an emptied queue."""
    import django_rq
    import redis

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}
    client = redis.Redis.from_url(redis_url)
    client.delete(*client.keys("rq:*")) if client.keys("rq:*") else None  # a killed worker's leftovers
    worker = Worker(["rqworker", "default"], mail_dir=tmp_path / "mail", env={"REDIS_URL": redis_url})
    yield worker
    worker.stop()
    django_rq.get_queue("default").empty()


@pytest.fixture
def db_worker(settings: Any, tmp_path: Path) -> Iterator[Worker]:
    """`manage.py db_worker` (django-tasks-db), the queue without Redis."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    worker = Worker(["db_worker", "--interval", "0.2"], mail_dir=tmp_path / "mail", env={"REDIS_URL": ""})
    yield worker
    worker.stop()


def run_every_kind_of_task(worker: Worker, world: Any) -> None:
    """Do what a person does in the product and wait for the worker to carry out what follows."""
    from mentora.accounts.services import invite_member
    from mentora.core.outbox import enqueue_on_commit, queue_email
    from mentora.matching.models import MatchRun, MatchRunStatus
    from mentora.matching.services import start_match_run
    from mentora.meetings.services import book_meeting
    from mentora.mentorships.models import MentorshipStatus
    from mentora.mentorships.services import transition_mentorship
    from mentora.messaging.models import Message
    from mentora.messaging.services import conversation_for, post_message
    from mentora.messaging.tasks import send_unread_digests
    from mentora.programs.services import decide_enrollment
    from tests.factories import EnrollmentFactory

    started = time.monotonic()
    invite_member(organization=world.org, email="newcomer@acme.test", role="member", invited_by=world.admin.user)
    decide_enrollment(enrollment=world.mentee_enrollment, decision="approve", message="Welcome aboard",
                      decided_by=world.coordinator.user)
    from django.core.mail import EmailMessage

    queue_email(EmailMessage("Confirm your address", "Follow the link", to=["signup@acme.test"]))
    EnrollmentFactory(program=world.program, membership=world.member, role="mentee", status="approved")
    run = start_match_run(program=world.program, started_by=world.coordinator.user)
    # A reminder 15 minutes before: due a few seconds from now, so the worker runs it deferred.
    starts_at = timezone.now() + timedelta(minutes=15, seconds=3)
    book_meeting(mentorship=world.mentorship, booked_by=world.mentor.user, starts_at=starts_at)
    message = post_message(conversation=conversation_for(world.mentorship), author=world.mentor.user, body="See you soon")
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=2))
    enqueue_on_commit(send_unread_digests)
    worker.wait_for("invitation email", lambda: "newcomer@acme.test" in worker.mail_text())
    worker.wait_for("enrolment decision email", lambda: "Welcome aboard" in worker.mail_text())
    worker.wait_for("account email", lambda: "signup@acme.test" in worker.mail_text())
    worker.wait_for("match run", lambda: MatchRun.objects.get(pk=run.pk).status == MatchRunStatus.DONE)
    worker.wait_for("meeting invite with its .ics", lambda: "BEGIN:VCALENDAR" in worker.mail_text())
    worker.wait_for("unread digest email", lambda: "See you soon" in worker.mail_text())
    worker.wait_for("meeting reminder", lambda: "Meeting at" in worker.mail_text())
    transition_mentorship(mentorship=world.mentorship, to_status=MentorshipStatus.COMPLETED,
                          actor=world.coordinator.user, reason="Done")
    worker.wait_for("completion steps", lambda: "Congratulations on completing" in worker.mail_text())
    worker.wait_for("every outbox entry that is due done", lambda: not OutboxEntry.objects.exclude(status=OutboxStatus.DONE)
                    .exclude(status=OutboxStatus.PENDING, next_attempt_at__gt=timezone.now()).exists())
    assert time.monotonic() - started < WAIT_SECONDS


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_readmes_rq_worker_runs_every_kind_of_task(rq_worker: Worker, world: Any) -> None:
    assert django_settings.RQ_QUEUES
    run_every_kind_of_task(rq_worker, world)


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_every_kind_of_task(db_worker: Worker, world: Any) -> None:
    run_every_kind_of_task(db_worker, world)
