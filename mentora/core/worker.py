"""The embedded task worker: django-tasks-db's worker loop on a daemon thread.

Used by `manage.py serve` so one command runs the whole app on the embedded defaults.
In production run `manage.py db_worker` (or RQ workers with Redis) as separate processes.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass
class InProcessWorker:
    thread: threading.Thread
    worker: Any

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the loop to finish its current task and exit, then wait for it."""
        self.worker.running = False
        self.thread.join(timeout)


def start_in_process_worker(*, interval: float = 1.0) -> InProcessWorker | None:
    """Start the database-backed worker on a daemon thread; None if tasks use another backend."""
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if backend != "django_tasks_db.DatabaseBackend":
        return None
    from django.utils.crypto import get_random_string
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"], interval=interval, batch=False, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="inprocess-" + get_random_string(8), excluded_queue_names=[],
    )
    thread = threading.Thread(target=worker.run, name="mentora-task-worker", daemon=True)
    thread.start()
    return InProcessWorker(thread=thread, worker=worker)
