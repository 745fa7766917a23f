"""Idempotency keys on API writes (issue 12, "saved is saved"): a POST retried with the same
`Idempotency-Key` makes its write once and answers what it answered the first time."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.utils import timezone

from mentora.accounts.models import ApiToken
from mentora.core.idempotency import prune_idempotency_keys
from mentora.core.models import IdempotentRequest
from mentora.mentorships.models import Note
from tests.conftest import World, client_for


def _note(client, world: World, key: str | None, body: str = "Talked about the roadmap"):  # type: ignore[no-untyped-def]
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(f"/api/orgs/acme/mentorships/{world.mentorship.pk}/notes", json.dumps({"body": body}),
                       content_type="application/json", **headers)


def test_a_retried_post_writes_once_and_answers_the_same(world: World) -> None:
    client = client_for(world.mentee)
    first = _note(client, world, "note-7f3a")
    assert first.status_code == HTTPStatus.CREATED and "Idempotent-Replayed" not in first
    again = _note(client, world, "note-7f3a")
    assert again.status_code == HTTPStatus.CREATED and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Note.objects.filter(mentorship=world.mentorship, body="Talked about the roadmap").count() == 1
    _note(client, world, None)  # no key: every POST writes, as before
    assert Note.objects.filter(mentorship=world.mentorship, body="Talked about the roadmap").count() == 2


def test_the_same_key_for_another_request_is_refused_and_bad_keys_too(world: World) -> None:
    client = client_for(world.mentee)
    assert _note(client, world, "k-1").status_code == HTTPStatus.CREATED
    other = _note(client, world, "k-1", body="Something else")
    assert other.status_code == HTTPStatus.UNPROCESSABLE_ENTITY and "different request" in other.json()["detail"]
    for bad in ("has space", "x" * 201, ""):
        assert _note(client, world, bad).status_code == HTTPStatus.BAD_REQUEST
    assert Note.objects.filter(mentorship=world.mentorship).count() == 1


def test_keys_belong_to_their_caller(world: World) -> None:
    _token, raw = ApiToken.issue(user=world.mentor.user, name="sync", days=30)
    mentee, mentor = client_for(world.mentee), client_for(None)
    assert _note(mentee, world, "shared").status_code == HTTPStatus.CREATED
    answer = mentor.post(f"/api/orgs/acme/mentorships/{world.mentorship.pk}/notes", json.dumps({"body": "Mine"}),
                         content_type="application/json", HTTP_IDEMPOTENCY_KEY="shared", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == HTTPStatus.CREATED and "Idempotent-Replayed" not in answer
    assert Note.objects.filter(mentorship=world.mentorship).count() == 2


def test_a_failure_is_not_kept_so_the_retry_runs_again(world: World, monkeypatch) -> None:
    from mentora.mentorships import sessions

    client = client_for(world.mentee)
    real = sessions.add_note

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(sessions, "add_note", broken)
    client.raise_request_exception = False
    assert _note(client, world, "retry-me").status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert not IdempotentRequest.objects.exists()
    monkeypatch.setattr(sessions, "add_note", real)
    assert _note(client, world, "retry-me").status_code == HTTPStatus.CREATED
    assert Note.objects.filter(mentorship=world.mentorship).count() == 1


@pytest.mark.django_db
def test_answers_are_forgotten_after_a_day() -> None:
    old = IdempotentRequest.objects.create(caller="user:1", key="a", fingerprint="f", status_code=201)
    IdempotentRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    IdempotentRequest.objects.create(caller="user:1", key="b", fingerprint="f", status_code=201)
    assert prune_idempotency_keys() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["b"]


@pytest.mark.django_db(transaction=True)
def test_two_retries_at_once_write_once(world: World) -> None:
    """Two copies of the same POST in flight together (a client that retried too soon)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: runs in the PostgreSQL stage (SQLite queues writers one by one)")
    answers: list[int] = []

    def post() -> None:
        try:
            answers.append(_note(client_for(world.mentee), world, "twin").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Note.objects.filter(mentorship=world.mentorship).count() == 1
    assert sorted(answers) in ([201, 201], [201, 409])
