"""Readiness checks behind /readyz: database, cache, channel layer and task queue.

Each check returns a small JSON-able dict with `ok` and what it measured. Failures name the error
class and a plain reason, never the exception text (a database error can carry the host, user or
DSN). The database is the only hard dependency: without it nothing works, so /readyz answers 503.
The others are soft — with Redis down pages and writes still work (docs/operations-edge.md) — so
they make the status "degraded" with a 200, and a load balancer keeps sending traffic; monitoring
that wants every failure as a 503 asks for /readyz?strict=1.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

__all__ = ["CHECKS", "HARD_CHECKS", "readiness"]

logger = logging.getLogger(__name__)
Check = dict[str, Any]


def _elapsed_ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)


def _failed(started: float, error: BaseException, reason: str) -> Check:
    logger.warning("readiness: %s (%s)", reason, type(error).__name__)
    return {"ok": False, "ms": _elapsed_ms(started), "error": type(error).__name__, "reason": reason}


def check_database() -> Check:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error: report it, never raise from a health check
        return _failed(started, error, "the database did not answer")
    return {"ok": True, "ms": _elapsed_ms(started), "vendor": connection.vendor}


def check_cache() -> Check:
    """Write and read back a unique value (the fail-open cache swallows errors, so compare)."""
    from django.core.cache import caches

    cache = caches["default"]
    started = time.monotonic()
    key, value = f"mentora:readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        read = cache.get(key)
        cache.delete(key)
    except Exception as error:
        return _failed(started, error, "the cache did not answer")
    if read != value:
        logger.warning("readiness: the cache did not keep a value")
        return {"ok": False, "ms": _elapsed_ms(started), "error": "CacheMiss",
                "reason": "the cache did not keep a value (is Redis down?)"}
    return {"ok": True, "ms": _elapsed_ms(started), "backend": type(cache).__name__}


def check_channel_layer() -> Check:
    """Send one message to a fresh channel and receive it (what every realtime push relies on)."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    started = time.monotonic()
    layer = get_channel_layer()
    if layer is None:
        return {"ok": False, "ms": 0.0, "error": "NotConfigured", "reason": "no channel layer is configured"}

    async def round_trip() -> bool:
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "health.ping"})
        message = await asyncio.wait_for(layer.receive(channel), timeout=2)
        return bool(message.get("type") == "health.ping")

    try:
        ok = async_to_sync(round_trip)()
    except Exception as error:
        return _failed(started, error, "the channel layer did not answer (live updates are paused)")
    return {"ok": ok, "ms": _elapsed_ms(started), "backend": type(layer).__name__}


def _age_seconds(moment: datetime | None) -> float | None:
    return None if moment is None else round((timezone.now() - moment).total_seconds(), 1)


def check_task_queue() -> Check:
    """Pending tasks and how long the oldest has waited; too old means no worker is taking them."""
    from django_tasks import task_backends

    started = time.monotonic()
    max_age = float(getattr(settings, "MENTORA_READYZ_MAX_TASK_AGE", 900))
    task_backend = task_backends["default"]
    backend = type(task_backend).__name__
    try:
        if backend == "DatabaseBackend":
            from django.db.models import Min
            from django_tasks_db.models import DBTaskResult

            ready = DBTaskResult.objects.ready()
            summary = ready.aggregate(oldest=Min("enqueued_at"))
            depth, oldest = ready.count(), summary["oldest"]
        elif backend == "RQBackend":
            import django_rq

            queues = [django_rq.get_queue(name) for name in getattr(task_backend, "queues", ["default"])]
            depth, oldest = 0, None
            for queue in queues:
                depth += queue.count
                first = queue.get_job_ids(0, 0)
                job = queue.fetch_job(first[0]) if first else None
                enqueued = job.enqueued_at if job is not None else None
                if enqueued is not None and timezone.is_naive(enqueued):
                    enqueued = timezone.make_aware(enqueued, UTC)
                if enqueued is not None and (oldest is None or enqueued < oldest):
                    oldest = enqueued
        else:  # the immediate backend (tests) runs tasks inline: nothing ever waits
            return {"ok": True, "ms": _elapsed_ms(started), "backend": backend, "depth": 0,
                    "oldest_pending_seconds": None}
    except Exception as error:
        return _failed(started, error, "the task queue did not answer")
    age = _age_seconds(oldest)
    found: Check = {"ok": True, "ms": _elapsed_ms(started), "backend": backend, "depth": depth,
                    "oldest_pending_seconds": age, "max_pending_seconds": max_age}
    if age is not None and age > max_age:
        found |= {"ok": False, "error": "StaleQueue",
                  "reason": f"the oldest pending task has waited {int(age)} s: is a worker running?"}
    return found


CHECKS: dict[str, Callable[[], Check]] = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "task_queue": check_task_queue,
}
HARD_CHECKS = frozenset({"database"})


def readiness(*, strict: bool = False) -> tuple[int, dict[str, Any]]:
    """Run every check; return the HTTP status and the report."""
    checks = {name: check() for name, check in CHECKS.items()}
    hard_failed = any(not checks[name]["ok"] for name in HARD_CHECKS)
    soft_failed = any(not result["ok"] for result in checks.values())
    status = "down" if hard_failed else "degraded" if soft_failed else "ok"
    code = 503 if hard_failed or (strict and soft_failed) else 200
    return code, {"status": status, "checks": checks}
