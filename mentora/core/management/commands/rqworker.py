"""`manage.py rqworker default` as the README gives it: django-rq's worker with django-tasks-rq's job
class and RQ's scheduler on (deferred tasks: reminders, digests, retries after a backoff).

Without django-tasks-rq's job class every job fails with "'Task' object is not callable"; without the
scheduler a task enqueued with `run_after` never runs. Both stay overridable on the command line.
"""

from __future__ import annotations

from django.core.management.base import CommandParser
from django_rq.management.commands.rqworker import Command as RQWorkerCommand

JOB_CLASS = "django_tasks_rq.backend.Job"


class Command(RQWorkerCommand):  # type: ignore[misc]
    help = "Run an RQ worker for Mentora's task queue (django-tasks-rq jobs, with the scheduler)."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)  # type: ignore[no-untyped-call]
        parser.add_argument("--without-scheduler", action="store_false", dest="with_scheduler",
                            help="Do not run RQ's scheduler in this worker (deferred tasks wait for one that does).")
        parser.set_defaults(with_scheduler=True, job_class=JOB_CLASS)
