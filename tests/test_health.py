"""/healthz (liveness) and /readyz (readiness): what each check reports, when the answer is 503,
and that nothing secret is ever in it."""

from __future__ import annotations

import json
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from mentora.core import health
from tests.test_redis_down import production_redis_settings, redis_down  # noqa: F401 - the fixture

SECRET = "s3cret-password"


def readyz(client: Client, query: str = "") -> tuple[int, dict[str, Any]]:
    response = client.get(f"/readyz{query}")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def test_healthz_says_the_process_is_alive(client: Client):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_every_check_when_all_is_well(client: Client):
    status, report = readyz(client)
    assert status == HTTPStatus.OK
    assert report["status"] == "ok"
    assert set(report["checks"]) == {"database", "cache", "channel_layer", "task_queue"}
    assert all(check["ok"] for check in report["checks"].values())
    assert report["checks"]["task_queue"]["depth"] == 0


@pytest.mark.django_db
def test_readyz_with_redis_down_is_degraded_but_ready(client: Client, redis_down: None):  # noqa: F811
    status, report = readyz(client)
    assert status == HTTPStatus.OK, "pages and writes still work: keep the node in the load balancer"
    assert report["status"] == "degraded"
    assert report["checks"]["database"]["ok"]
    assert not report["checks"]["cache"]["ok"]
    assert not report["checks"]["channel_layer"]["ok"]
    assert "live updates are paused" in report["checks"]["channel_layer"]["reason"]
    strict_status, _ = readyz(client, "?strict=1")
    assert strict_status == HTTPStatus.SERVICE_UNAVAILABLE


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_is_down_and_tells_no_secrets(client: Client, monkeypatch):
    class DeadConnection:
        vendor = "postgresql"

        def cursor(self) -> Any:
            raise OperationalError(f'connection failed: password "{SECRET}" for user "mentora" at db.internal')

    monkeypatch.setattr(health, "connection", DeadConnection())
    status, report = readyz(client)
    assert status == HTTPStatus.SERVICE_UNAVAILABLE
    assert report["status"] == "down"
    assert report["checks"]["database"] == {**report["checks"]["database"], "ok": False,
                                            "error": "OperationalError", "reason": "the database did not answer"}
    text = json.dumps(report)
    assert SECRET not in text and "db.internal" not in text


@pytest.mark.django_db
def test_readyz_counts_pending_database_tasks_and_flags_a_stale_queue(client: Client, settings):
    from django_tasks_db.models import DBTaskResult

    from mentora.accounts.tasks import send_invitation_email

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MENTORA_READYZ_MAX_TASK_AGE = 600
    send_invitation_email.enqueue(invitation_id=0)
    send_invitation_email.enqueue(invitation_id=0)
    status, report = readyz(client)
    assert (status, report["checks"]["task_queue"]["depth"], report["checks"]["task_queue"]["ok"]) == (200, 2, True)

    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(hours=1))
    status, report = readyz(client)
    queue = report["checks"]["task_queue"]
    assert status == HTTPStatus.OK and report["status"] == "degraded"
    assert not queue["ok"] and queue["error"] == "StaleQueue" and queue["oldest_pending_seconds"] >= 3600
    assert "is a worker running?" in queue["reason"]


@pytest.mark.services
@pytest.mark.django_db
def test_readyz_on_a_real_redis_checks_cache_layer_and_rq_queue(client: Client, settings, redis_url: str):
    from channels.layers import channel_layers

    for name, value in production_redis_settings(redis_url).items():
        setattr(settings, name, value)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    channel_layers.backends.clear()
    try:
        status, report = readyz(client)
    finally:
        channel_layers.backends.clear()
    assert status == HTTPStatus.OK, report
    assert report["status"] == "ok"
    assert report["checks"]["cache"]["backend"] == "FailOpenRedisCache"
    assert report["checks"]["channel_layer"]["backend"] == "RedisChannelLayer"
    assert report["checks"]["task_queue"]["backend"] == "RQBackend"


@pytest.fixture
def redis_url() -> str:
    from tests.test_services import REDIS_URL, REQUIRED, _redis_reachable

    problem = _redis_reachable()
    if problem:
        if REQUIRED:
            pytest.fail(f"Redis is required (MENTORA_REQUIRE_SERVICES=1) but not reachable at {REDIS_URL}: {problem}")
        pytest.skip(f"Redis not reachable at {REDIS_URL} ({problem}); set MENTORA_REDIS_URL or start redis-server")
    return REDIS_URL
