"""Redis is optional at the edge: with REDIS_URL pointing at a Redis that is down, sign-in,
pages and writes answer normally, pushes are dropped with a log line, and the cache comes back
by itself when Redis does."""

from __future__ import annotations

import importlib
import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

import pytest
from channels.layers import channel_layers
from django.test import Client
from django.urls import reverse

import config.settings.base as base_settings
from mentora.messaging.models import Message
from tests.conftest import World, client_for
from tests.factories import PASSWORD

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"


def production_redis_settings(redis_url: str) -> dict[str, Any]:
    """CACHES and CHANNEL_LAYERS exactly as production builds them when REDIS_URL is set."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REDIS_URL", redis_url)
        production = importlib.reload(base_settings)
        found = {"CACHES": production.CACHES, "CHANNEL_LAYERS": production.CHANNEL_LAYERS,
                 "ACCOUNT_RATE_LIMITS": production.ACCOUNT_RATE_LIMITS}
    importlib.reload(base_settings)
    return found


@pytest.fixture
def redis_down(settings: Any) -> Iterator[None]:
    from mentora.core.cache import FailOpenRedisCache

    FailOpenRedisCache._last_warning = 0.0  # its warning is said once per 30 s per process
    for name, value in production_redis_settings(CLOSED_PORT_URL).items():
        setattr(settings, name, value)
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_production_settings_use_the_fail_open_cache():
    found = production_redis_settings(CLOSED_PORT_URL)
    assert found["CACHES"]["default"]["BACKEND"] == "mentora.core.cache.FailOpenRedisCache"
    assert found["ACCOUNT_RATE_LIMITS"], "throttling is on in production"


def test_sign_in_works_with_redis_down_right_and_wrong_password(world: World, redis_down: None, caplog):
    with caplog.at_level(logging.WARNING, logger="mentora.core.cache"):
        right = Client().post(reverse("account_login"), {"login": "member@acme.test", "password": PASSWORD})
        wrong = Client().post(reverse("account_login"), {"login": "member@acme.test", "password": "nope"})
    assert right.status_code == HTTPStatus.FOUND
    assert wrong.status_code == HTTPStatus.OK
    assert "password you specified are not correct" in wrong.content.decode()
    assert "cache unreachable" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_message_posted_with_redis_down_is_saved_and_answered_normally(world: World, redis_down: None, caplog):
    client = client_for(world.mentee)
    with caplog.at_level(logging.WARNING, logger="mentora.messaging.realtime"):
        page = client.post(reverse("messaging:send", args=["acme", world.mentorship.pk]), {"body": "from the page"})
        api = client.post(f"/api/orgs/acme/mentorships/{world.mentorship.pk}/messages",
                          {"body": "from the API"}, content_type="application/json")
    assert page.status_code == HTTPStatus.FOUND
    assert api.status_code == HTTPStatus.CREATED
    assert set(Message.objects.values_list("body", flat=True)) == {"from the page", "from the API"}
    assert "realtime push to conversation." in caplog.text
    conversation = client.get(reverse("messaging:conversation", args=["acme", world.mentorship.pk]))
    assert conversation.status_code == HTTPStatus.OK
    assert "Live updates are paused" in conversation.content.decode()  # the (hidden) notice chat.js shows


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_redis(port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


@pytest.mark.services
def test_the_cache_resumes_when_redis_returns(tmp_path):
    """A private redis-server is stopped and started again: the same cache object carries on."""
    if shutil.which("redis-server") is None:
        from tests.test_services import REQUIRED

        if REQUIRED:
            pytest.fail("redis-server is required (MENTORA_REQUIRE_SERVICES=1) but not installed")
        pytest.skip("redis-server is not installed")
    from mentora.core.cache import FailOpenRedisCache

    port = _free_port()
    cache = FailOpenRedisCache(f"redis://127.0.0.1:{port}/0", {"OPTIONS": {"socket_connect_timeout": 0.5,
                                                                          "socket_timeout": 0.5}})
    cache.pause_seconds = 0.0  # the breaker is measured below; here every call tries Redis
    server = _start_redis(port)
    try:
        cache.set("k", "before")
        assert cache.get("k") == "before"
        server.terminate()
        server.wait(timeout=10)
        assert cache.get("k", "fallback") == "fallback"
        assert cache.add("lock", 1) is True  # fails open: allauth's throttle lock is granted
        cache.set("k", "while down")  # dropped, no error
        cache.pause_seconds = 60.0
        cache.get("k")
        started = time.monotonic()
        assert [cache.get("k", "skipped") for _ in range(1000)] == ["skipped"] * 1000
        assert time.monotonic() - started < 0.5, "within the pause Redis is not tried at all"
        cache._paused_until = 0.0
        server = _start_redis(port)
        cache.set("k", "after")
        assert cache.get("k") == "after"
    finally:
        server.kill()
        server.wait(timeout=10)
