"""Writes people could flood are limited per person (issue 14, item 9): messages, mentoring
requests, invitations and uploads. Over the rate the write changes nothing and answers 429 with
Retry-After — in the API, on the pages and over the chat socket — and the security log says so."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentora.accounts.models import Invitation
from mentora.core.ratelimit import RateLimited, limit
from mentora.matching import requests as mentorship_requests
from mentora.matching.models import MentorshipRequest
from mentora.matching.snapshot import settings_for
from mentora.messaging.models import Message
from tests.conftest import World, client_for
from tests.test_matching_product import cohort, open_program  # noqa: F401 — fixtures


@pytest.fixture
def limits(settings: Any) -> dict[str, str]:
    settings.MENTORA_RATE_LIMITS = {"message": "3/m", "request": "2/d", "invitation": "2/h", "upload": "1/h"}
    return settings.MENTORA_RATE_LIMITS


def test_the_fourth_message_in_a_minute_is_refused_in_the_api_with_retry_after(world: World, limits: Any) -> None:
    client = client_for(world.mentee)
    url = f"/api/orgs/acme/mentorships/{world.mentorship.pk}/messages"
    for n in range(3):
        assert client.post(url, {"body": f"message {n}"}, content_type="application/json").status_code == 201
    refused = client.post(url, {"body": "one too many"}, content_type="application/json")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "faster than Mentora allows" in refused.json()["detail"]
    assert Message.objects.count() == 3  # nothing written
    # The limit is per person: the other member still writes.
    assert client_for(world.mentor).post(url, {"body": "hello"}, content_type="application/json").status_code == 201


def test_the_page_form_answers_429_with_the_reason(world: World, limits: Any) -> None:
    client = client_for(world.mentee)
    url = reverse("messaging:send", args=["acme", world.mentorship.pk])
    for n in range(3):
        client.post(url, {"body": f"message {n}"})
    refused = client.post(url, {"body": "one too many"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS and "Retry-After" in refused
    assert "try again in" in refused.content.decode()
    assert Message.objects.count() == 3


def test_uploads_are_limited_apart_from_messages(world: World, limits: Any) -> None:
    client = client_for(world.mentee)
    url = reverse("messaging:send", args=["acme", world.mentorship.pk])

    def upload() -> Any:
        return client.post(url, {"body": "", "attachment": SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")},
                           HTTP_ACCEPT="application/json")

    assert upload().status_code in (HTTPStatus.FOUND, HTTPStatus.NO_CONTENT)
    second = upload()
    assert second.status_code == HTTPStatus.TOO_MANY_REQUESTS and "uploaded as many files" in second.content.decode()
    assert Message.objects.count() == 1


def test_invitations_are_limited_per_inviter(world: World, limits: Any) -> None:
    client = client_for(world.coordinator)
    url = reverse("accounts:invite", args=["acme"])
    for n in range(2):
        client.post(url, {"email": f"new{n}@acme.test", "role": "member"})
    refused = client.post(url, {"email": "new9@acme.test", "role": "member"})
    assert refused.status_code in (HTTPStatus.TOO_MANY_REQUESTS, HTTPStatus.FOUND) and "Retry-After" in refused
    assert not Invitation.objects.filter(email="new9@acme.test").exists()


def test_mentoring_requests_are_limited_per_mentee(world: World, open_program: Any, limits: Any) -> None:  # noqa: F811
    program, mentors, mentees = open_program
    matching = settings_for(program)
    matching.max_open_requests = 10
    for mentor in mentors[:2]:
        mentorship_requests.send_request(program=program, mentee=mentees[0], mentor=mentor, message="Hi!", matching=matching)
    with pytest.raises(RateLimited) as refused:
        mentorship_requests.send_request(program=program, mentee=mentees[0], mentor=mentors[2], message="Hi!",
                                         matching=matching)
    assert refused.value.status_code == 429 and "mentoring requests" in refused.value.message
    assert MentorshipRequest.objects.filter(mentee=mentees[0]).count() == 2


def test_a_refusal_is_in_the_security_log_and_an_empty_rate_turns_a_limit_off(
    world: World, limits: Any, caplog: pytest.LogCaptureFixture,
) -> None:
    user = world.mentee.user
    with caplog.at_level(logging.INFO, "mentora.security"):
        for _ in range(3):
            limit("message", user)
        with pytest.raises(RateLimited):
            limit("message", user)
    assert any('"event":"ratelimit.refused"' in record.getMessage() and '"action":"message"' in record.getMessage()
               for record in caplog.records)
    limits["message"] = ""
    for _ in range(10):
        limit("message", user)  # off


def test_a_mistyped_rate_fails_the_start_up_check_not_the_first_message(settings: Any) -> None:
    from django.core import checks

    settings.MENTORA_RATE_LIMITS = {"message": "30 a minute", "upload": "60/h"}
    errors = [m for m in checks.run_checks() if m.id == "mentora.E001"]
    assert len(errors) == 1 and "'message'" in errors[0].msg and "MENTORA_RATE_LIMIT_MESSAGE" in errors[0].hint
    settings.MENTORA_RATE_LIMITS = {"message": "30/m", "upload": "5/15m"}
    assert not [m for m in checks.run_checks() if m.id == "mentora.E001"]
