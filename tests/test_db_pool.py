"""PostgreSQL connections are pooled: a burst of concurrent requests to a real Daphne process holds
at most the pool's size of connections, instead of one per request thread (issue 12)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from pathlib import Path

import pytest
from django.db import connection, connections
from django.test import Client

from tests.conftest import World

ROOT = Path(__file__).resolve().parent.parent
POOL_MAX = 4
CONCURRENT_REQUESTS = 100
APPLICATION_NAME = "mentora-pool-test"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, cookie: str = "", timeout: float = 60) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def postgresql_test_database(db: None) -> str:
    """The test database's name; skips in the SQLite stage (bin/test's PostgreSQL stage runs it, and
    fails there when MENTORA_REQUIRE_SERVICES=1 and PostgreSQL is missing)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (the PostgreSQL stage of bin/test does)")
    return str(connection.settings_dict["NAME"])


@pytest.fixture
def daphne_url(postgresql_test_database: str) -> Iterator[str]:
    """A Daphne process on loopback serving the test database through a pool of POOL_MAX."""
    params = connection.settings_dict
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": (f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
                         f"/{postgresql_test_database}?application_name={APPLICATION_NAME}"),
        "MENTORA_DB_POOL_MIN": "1",
        "MENTORA_DB_POOL_MAX": str(POOL_MAX),
        # Generous: on a busy shared machine a queued request must wait, not fail.
        "MENTORA_DB_POOL_TIMEOUT": "60",
    }
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    server = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while _get_quietly(f"{url}/healthz") != HTTPStatus.OK:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"daphne did not start: {server.communicate(timeout=5)[1][-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


def _get_quietly(url: str) -> int | None:
    try:
        return _get(url, timeout=2)
    except OSError:
        return None


def _open_connections(database: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
            [database, APPLICATION_NAME],
        )
        return int(cursor.fetchone()[0])


@pytest.mark.services
@pytest.mark.timeout(240)
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_concurrent_requests_holds_no_more_connections_than_the_pool(
    world: World, postgresql_test_database: str, daphne_url: str,
):
    client = Client()
    client.force_login(world.mentee.user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    dashboard = f"{daphne_url}/o/{world.org.slug}/"
    assert _get(dashboard, cookie) == HTTPStatus.OK

    peak = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _open_connections(postgresql_test_database))
            time.sleep(0.05)
        connections.close_all()

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=CONCURRENT_REQUESTS) as pool:
            statuses = list(pool.map(lambda _i: _get(dashboard, cookie), range(CONCURRENT_REQUESTS)))
    finally:
        done.set()
        watcher.join(timeout=10)

    assert statuses == [HTTPStatus.OK] * CONCURRENT_REQUESTS
    assert 1 <= peak <= POOL_MAX, f"{peak} connections open for a pool of {POOL_MAX}"


@pytest.mark.services
@pytest.mark.timeout(240)
@pytest.mark.django_db(transaction=True)
def test_after_postgresql_drops_the_pools_connections_every_request_still_answers(
    world: World, postgresql_test_database: str, daphne_url: str,
):
    """bench/faults.py F2: without the pool's health check each dead pooled connection answered one 500."""
    client = Client()
    client.force_login(world.mentee.user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    dashboard = f"{daphne_url}/o/{world.org.slug}/"
    with ThreadPoolExecutor(max_workers=2 * POOL_MAX) as pool:  # fill the pool
        assert set(pool.map(lambda _i: _get(dashboard, cookie), range(4 * POOL_MAX))) == {HTTPStatus.OK}
    assert _open_connections(postgresql_test_database) >= 2

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                       " WHERE datname = %s AND application_name = %s", [postgresql_test_database, APPLICATION_NAME])
        assert cursor.fetchone()[0] >= 2

    with ThreadPoolExecutor(max_workers=POOL_MAX) as pool:
        statuses = list(pool.map(lambda _i: _get(dashboard, cookie), range(4 * POOL_MAX)))
    assert statuses == [HTTPStatus.OK] * (4 * POOL_MAX)
