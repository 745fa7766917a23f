"""Periodic jobs (expire requests, send reminders, schedule check-ins …) without a scheduler service.

Apps register jobs in AppConfig.ready():

    register_periodic("matching.expire_requests", expire_requests, every=timedelta(minutes=10))

`manage.py run_periodic` runs the jobs that are due (call it from cron every few minutes in
production, or with --loop as a small always-on process); `manage.py serve` runs the same loop on
a thread. Each job must be idempotent: it may run late, twice, or on two machines at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import connections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: Callable[[], object]
    every: timedelta


_JOBS: dict[str, PeriodicJob] = {}


def register_periodic(name: str, func: Callable[[], object], *, every: timedelta) -> None:
    _JOBS[name] = PeriodicJob(name, func, every)


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_JOBS.values(), key=lambda job: job.name)


def run_due_jobs(*, force: bool = False) -> list[str]:
    """Run every job whose interval has passed (per the shared cache); return the names run."""
    ran: list[str] = []
    for job in registered_jobs():
        key = f"mentora:periodic:{job.name}"
        # cache.add is atomic: only one worker wins the slot for this interval.
        if not force and not cache.add(key, time.time(), timeout=int(job.every.total_seconds())):
            continue
        try:
            job.func()
        except Exception:
            logger.exception("periodic job %s failed", job.name)
        ran.append(job.name)
    return ran


def run_periodic_pass(*, force: bool = False) -> list[str]:
    """One pass of a long-running loop: run the due jobs on a connection that is known to be good.

    A loop that kept its connection reused a dead one forever after PostgreSQL dropped it (restart,
    `pg_terminate_backend`): every later drain of the outbox failed (bench/faults.py F2, then F3's
    queued mail never left). With the pool, closing returns the connection; the next is checked.
    """
    _drop_used_connections()
    try:
        return run_due_jobs(force=force)
    finally:
        _drop_used_connections()


def _drop_used_connections() -> None:
    # close_old_connections(), except inside a transaction (a test, a shell): that one stays.
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def start_periodic_thread(*, poll_seconds: float = 30.0) -> threading.Thread:
    def loop() -> None:
        while True:
            run_periodic_pass()
            time.sleep(poll_seconds)

    thread = threading.Thread(target=loop, name="mentora-periodic", daemon=True)
    thread.start()
    return thread
