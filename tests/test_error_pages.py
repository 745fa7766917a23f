"""An unreachable or saturated database answers 503 with Retry-After, never 500 (issue 12, bench/faults.py F2)."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError

from tests.conftest import World, client_for


def _failing(error: Exception):  # type: ignore[no-untyped-def]
    def load(self: SessionStore) -> dict[str, object]:
        raise error

    return load


@pytest.mark.parametrize("error", [OperationalError("the connection was terminated"),
                                   OperationalError("couldn't get a connection after 10.00 sec"),
                                   InterfaceError("connection already closed")])
def test_a_page_whose_database_connection_fails_answers_503_with_retry_after(world: World, monkeypatch, error):
    client = client_for(world.mentee)
    client.raise_request_exception = False
    # The session loads in middleware, before any view: the answer must not depend on the layer.
    monkeypatch.setattr(SessionStore, "load", _failing(error))
    response = client.get(f"/o/{world.org.slug}/")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "5"
    assert b"try again" in response.content


def test_the_api_answers_503_in_json_when_the_database_fails(world: World, monkeypatch):
    client = client_for(world.mentee)
    client.raise_request_exception = False
    monkeypatch.setattr(SessionStore, "load", _failing(OperationalError("server closed the connection")))
    response = client.get(f"/api/orgs/{world.org.slug}/meetings")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"detail": "The service is busy or briefly unavailable. Please try again in a few seconds."}


def test_any_other_error_is_still_a_500(world: World, monkeypatch):
    client = client_for(world.mentee)
    client.raise_request_exception = False
    monkeypatch.setattr(SessionStore, "load", _failing(ValueError("a bug")))
    response = client.get(f"/o/{world.org.slug}/")
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Retry-After" not in response


def test_a_full_connection_pool_is_a_503_too(world: World, monkeypatch):
    """psycopg_pool's PoolTimeout (no free connection after MENTORA_DB_POOL_TIMEOUT) reaches Django as
    an OperationalError on PostgreSQL: the overload answer is 503, not 500."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the pool exists on PostgreSQL only")
    from psycopg_pool import PoolTimeout

    with pytest.raises(OperationalError), connection.wrap_database_errors:
        raise PoolTimeout("couldn't get a connection after 10.00 sec")

    def exhausted(self: SessionStore) -> dict[str, object]:
        with connection.wrap_database_errors:
            raise PoolTimeout("couldn't get a connection after 10.00 sec")

    client = client_for(world.mentee)
    client.raise_request_exception = False
    monkeypatch.setattr(SessionStore, "load", exhausted)
    assert client.get(f"/o/{world.org.slug}/").status_code == HTTPStatus.SERVICE_UNAVAILABLE
