"""The RQ worker class `manage.py rqworker` runs: RQ's, with maintenance every 30 s instead of 10 minutes.

RQ retries a worker's scheduler (which moves deferred jobs — reminders, digests, the outbox's retries
after a backoff — into the queue) only in its maintenance pass. After Redis went down, the scheduler
process had died and its lock (61 s, kept by Redis's append-only file) was still held when the
restarted worker asked: with RQ's 10-minute maintenance interval no deferred job ran for up to 10
minutes after Redis came back (bench/faults.py F3 then F5: retried mail waited). Every 30 s, a dead
scheduler is restarted, or a stale lock taken over, within about a minute and a half.
"""

from __future__ import annotations

from typing import Any

from rq.worker import Worker as RQWorker

MAINTENANCE_SECONDS = 30


class Worker(RQWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("maintenance_interval", MAINTENANCE_SECONDS)
        super().__init__(*args, **kwargs)
