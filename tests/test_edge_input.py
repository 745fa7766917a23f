"""Bad input is a 4xx, everywhere, decided at the edge: control characters (400), oversized
bodies (413), dates out of range or impossible offsets (422 on the API, a form error on pages),
and list endpoints that never return more than 100 rows. Run on SQLite and on PostgreSQL
(DATABASE_URL=$MENTORA_POSTGRES_URL), where NUL used to reach the database as a 500."""

from __future__ import annotations

import json
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from mentora.goals.models import Goal
from mentora.meetings.models import Meeting
from mentora.messaging.models import Message
from tests.conftest import World, client_for
from tests.test_goals import goal_data

API = "/api/orgs/acme"


def post_json(client, url: str, payload: object):
    return client.post(url, json.dumps(payload), content_type="application/json")


@pytest.mark.parametrize("body", ["a\u0000b", "bell\u0007", "esc\u001b[31m"])
def test_control_characters_in_json_are_refused_with_400(world: World, body: str):
    response = post_json(client_for(world.mentee), f"{API}/mentorships/{world.mentorship.pk}/messages", {"body": body})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "control characters" in response.json()["detail"]
    assert not Message.objects.exists()


def test_tabs_and_newlines_in_a_body_are_text(world: World):
    response = post_json(client_for(world.mentee), f"{API}/mentorships/{world.mentorship.pk}/messages",
                         {"body": "line one\r\n\tline two"})
    assert response.status_code == HTTPStatus.CREATED


def test_a_nul_in_a_json_key_or_nested_value_is_refused(world: World):
    url = f"{API}/mentorships/{world.mentorship.pk}/messages"
    assert post_json(client_for(world.mentee), url, {"body": "ok", "x\u0000": 1}).status_code == 400
    assert post_json(client_for(world.mentee), url, {"body": "ok", "deep": [{"a": "\u0000"}]}).status_code == 400


def test_a_nul_in_a_form_field_is_refused_with_a_plain_page(world: World):
    response = client_for(world.mentee).post(reverse("goals:create", args=["acme", world.mentorship.pk]),
                                             goal_data(title="Give\u0000 a talk"))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"].startswith("text/html")
    assert "control characters" in response.content.decode()
    assert not Goal.objects.exists()


@pytest.mark.parametrize("url", ["/api/orgs/north%00wind/programs", "/o/acme%00/", "/api/orgs/acme/programs?x=%00",
                                 "/o/acme/?q=a%0Ab"])
def test_control_characters_in_the_path_or_query_are_refused(world: World, url: str):
    response = client_for(world.member).get(url)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    if url.startswith("/api/"):
        assert "control characters" in response.json()["detail"]


def test_a_json_body_over_the_cap_is_413_also_in_dev(world: World, settings):
    settings.DEBUG = True
    big = json.dumps({"body": "x" * (5 * 1024 * 1024)})
    response = client_for(world.mentee).post(f"{API}/mentorships/{world.mentorship.pk}/messages", big,
                                             content_type="application/json")
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "too large" in response.json()["detail"]
    assert not Message.objects.exists()


def test_a_form_over_the_cap_is_413_and_uploads_keep_their_larger_limit(world: World, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.mentee)
    url = reverse("messaging:send", args=["acme", world.mentorship.pk])
    too_big = client.post(url, "body=" + "x" * (settings.MENTORA_MAX_BODY_BYTES + 10),
                          content_type="application/x-www-form-urlencoded")
    assert too_big.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    two_mib = SimpleUploadedFile("notes.txt", b"a" * (2 * 1024 * 1024), content_type="text/plain")
    assert client.post(url, {"body": "file", "attachment": two_mib}).status_code == HTTPStatus.FOUND
    assert Message.objects.get().attachment_size == 2 * 1024 * 1024


@pytest.mark.parametrize("starts_at", ["2031-05-01T09:00:00+16:00", "9999-12-31T23:00:00+00:00",
                                       "1850-01-01T09:00:00+00:00"])
def test_impossible_meeting_times_are_422_on_the_api(world: World, starts_at: str):
    client = client_for(world.mentee)
    booked = post_json(client, f"{API}/mentorships/{world.mentorship.pk}/meetings", {"starts_at": starts_at})
    assert booked.status_code == HTTPStatus.UNPROCESSABLE_ENTITY, booked.content
    assert not Meeting.objects.exists()


def test_a_meeting_move_to_year_9999_is_422(world: World):
    client = client_for(world.mentee)
    starts_at = (timezone.now() + timedelta(days=4)).replace(microsecond=0)
    meeting = post_json(client, f"{API}/mentorships/{world.mentorship.pk}/meetings", {"starts_at": starts_at.isoformat()})
    assert meeting.status_code == HTTPStatus.CREATED
    moved = post_json(client, f"{API}/meetings/{meeting.json()['id']}/move", {"starts_at": "9999-12-31T23:30:00+00:00"})
    assert moved.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert Meeting.objects.get().starts_at == starts_at


def test_a_goal_due_in_year_9999_is_422_on_the_api_and_a_form_error_on_the_page(world: World):
    client = client_for(world.mentee)
    api = post_json(client, f"{API}/mentorships/{world.mentorship.pk}/goals",
                    {k: v for k, v in goal_data(target_on="9999-12-31").items()})
    assert api.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    page = client.post(reverse("goals:create", args=["acme", world.mentorship.pk]), goal_data(target_on="9999-12-31"))
    assert page.status_code == HTTPStatus.UNPROCESSABLE_ENTITY  # the form again, with its error
    assert "Dates must be between 1900 and 2199." in page.content.decode()
    assert not Goal.objects.exists()


def test_a_booking_form_in_year_9999_is_a_form_error(world: World):
    response = client_for(world.mentee).post(reverse("meetings:book", args=["acme", world.mentorship.pk]),
                                             {"starts_at": "9999-12-31T23:00", "duration_minutes": 60,
                                              "channel": "video", "interval_weeks": 0})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "Dates must be between 1900 and 2199." in response.content.decode()
    assert not Meeting.objects.exists()


def test_list_endpoints_are_paginated_and_the_limit_is_capped_at_100(world: World):
    from mentora.messaging import services

    conversation = services.conversation_for(world.mentorship)
    for n in range(3):
        services.post_message(conversation=conversation, author=world.mentee.user, body=f"m{n}")
    client = client_for(world.mentee)
    url = f"{API}/mentorships/{world.mentorship.pk}/messages"
    page = client.get(f"{url}?limit=2&offset=1").json()
    assert page["count"] == 3 and [m["body_html"] for m in page["items"]] == ["<p>m1</p>", "<p>m2</p>"]
    assert client.get(f"{url}?limit=101").status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert client.get(f"{url}?limit=100").status_code == HTTPStatus.OK


def test_every_api_list_endpoint_is_paginated_with_the_cap_in_the_schema(client):
    schema = client.get("/api/openapi.json").json()
    lists = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        ok = get["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
        ref = ok.get("$ref", "")
        if ok.get("type") == "array":
            pytest.fail(f"{path} returns an unpaginated list")
        if ref.startswith("#/components/schemas/Paged"):
            limit = next(p for p in get["parameters"] if p["name"] == "limit")
            assert limit["schema"]["maximum"] == 100, path
            lists.append(path)
    assert len(lists) >= 14
