"""PostgreSQL and Redis: real servers. Skipped with a message when absent, unless
MENTORA_REQUIRE_SERVICES=1 (CI), where a missing server fails the run."""

from __future__ import annotations

import asyncio
import os

import pytest
from django.db import connection

REQUIRED = os.environ.get("MENTORA_REQUIRE_SERVICES") == "1"
REDIS_URL = os.environ.get("MENTORA_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:
        return str(error)
    return None


@pytest.fixture
def redis_url() -> str:
    problem = _redis_reachable()
    if problem:
        if REQUIRED:
            pytest.fail(f"Redis is required (MENTORA_REQUIRE_SERVICES=1) but not reachable at {REDIS_URL}: {problem}")
        pytest.skip(f"Redis not reachable at {REDIS_URL} ({problem}); set MENTORA_REDIS_URL or start redis-server")
    return REDIS_URL


@pytest.mark.services
def test_the_redis_cache_backend_round_trips(redis_url: str) -> None:
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache(redis_url, {})
    cache.set("mentora:test", {"ok": 1}, 30)
    assert cache.get("mentora:test") == {"ok": 1}
    cache.delete("mentora:test")


@pytest.mark.services
def test_a_message_crosses_two_redis_channel_layers(redis_url: str) -> None:
    """Two workers (two layer instances) share messages through Redis."""
    from channels_redis.core import RedisChannelLayer

    async def scenario() -> dict[str, object]:
        sender, receiver = RedisChannelLayer(hosts=[redis_url]), RedisChannelLayer(hosts=[redis_url])
        channel = await receiver.new_channel()
        await receiver.group_add("mentora-test", channel)
        await sender.group_send("mentora-test", {"type": "chat.message", "text": "hello"})
        message = await asyncio.wait_for(receiver.receive(channel), timeout=5)
        await receiver.group_discard("mentora-test", channel)
        await sender.flush()
        return message

    assert asyncio.run(scenario())["text"] == "hello"


@pytest.mark.services
def test_tasks_enqueue_on_the_redis_queue(redis_url: str, settings) -> None:
    """With REDIS_URL the task backend is RQ: an enqueued task lands in the Redis queue."""
    import django_rq
    from django_tasks_rq import RQBackend

    from mentora.accounts.tasks import send_invitation_email

    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    backend = RQBackend("rq-test", {"QUEUES": ["default"]})
    queue = django_rq.get_queue("default")
    queue.empty()
    result = backend.enqueue(send_invitation_email, args=[], kwargs={"invitation_id": 0})
    assert result.id in queue.job_ids
    queue.empty()


@pytest.mark.services
@pytest.mark.django_db
def test_the_postgresql_run_really_runs_on_postgresql() -> None:
    """In the PostgreSQL stage (DATABASE_URL set) the tests must not silently fall back to SQLite."""
    if not os.environ.get("DATABASE_URL"):
        pytest.skip("SQLite stage: the PostgreSQL stage of bin/test runs this suite with DATABASE_URL")
    assert connection.vendor == "postgresql"
