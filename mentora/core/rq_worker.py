"""The RQ worker class `manage.py rqworker` runs: jobs in the worker's own process, and RQ's
maintenance every 30 s instead of 10 minutes.

RQ retries a worker's scheduler (which moves deferred jobs — reminders, digests, the outbox's retries
after a backoff — into the queue) only in its maintenance pass. After Redis went down, the scheduler
process had died and its lock (61 s, kept by Redis's append-only file) was still held when the
restarted worker asked: with RQ's 10-minute maintenance interval no deferred job ran for up to 10
minutes after Redis came back (bench/faults.py F3 then F5: retried mail waited). Every 30 s, a dead
scheduler is restarted, or a stale lock taken over, within about a minute and a half.

It runs each job in its own process, without forking a "work horse" per job as RQ's default worker
does: forking a Django process, and opening its database connection again, cost more CPU than the
jobs themselves — 78 ms per request of bench/load.py's mix, more than the web process's 45 ms
(docs/deployment.md). Around each job the database connections are checked like around a request
(`close_old_connections`), so one dropped by PostgreSQL is replaced, not reused. A job that hangs is
still stopped by its timeout (RQ's alarm signal works in the worker's own process); one that crashes
the process is retried by RQ once the supervisor has started the worker again.
"""

from __future__ import annotations

from typing import Any

from django.db import close_old_connections
from rq import Queue
from rq.job import Job
from rq.worker import SimpleWorker

MAINTENANCE_SECONDS = 30


class Worker(SimpleWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("maintenance_interval", MAINTENANCE_SECONDS)
        super().__init__(*args, **kwargs)

    def execute_job(self, job: Job, queue: Queue) -> None:
        close_old_connections()
        try:
            super().execute_job(job, queue)
        finally:
            close_old_connections()
