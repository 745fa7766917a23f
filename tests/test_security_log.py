"""The security log (issue 14 item 7): one JSON line per event with user, UTC time, IP and request id;
never a password, token, session key, note or message body; CR/LF cannot forge a line."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mentora.accounts import services
from mentora.accounts.middleware import SEEN_AT
from mentora.accounts.models import ApiToken
from mentora.core import security_log
from tests.conftest import World, client_for
from tests.factories import PASSWORD
from tests.test_profiles import profile_post

CANARY_PASSWORD = "canary-Pa55word-7f3e"
CANARY_BODY = "canary-message-body-91ac"
CANARY_NOTE = "canary-private-note-44d2"
CANARY_BIO = "canary-bio-text-0b77"


@pytest.fixture
def security(caplog: pytest.LogCaptureFixture) -> Any:
    caplog.set_level(logging.INFO, logger="mentora.security")

    def events() -> list[dict[str, Any]]:
        return [json.loads(r.getMessage()) for r in caplog.records if r.name == "mentora.security"]

    return events


def test_sign_ins_token_use_denials_and_role_changes_are_logged_without_secrets(world: World, security, caplog):
    Client(REMOTE_ADDR="203.0.113.4").post("/accounts/login/", {"login": "member@acme.test", "password": CANARY_PASSWORD})
    Client(REMOTE_ADDR="198.51.100.8").post("/accounts/login/", {"login": "member@acme.test", "password": PASSWORD})
    _token, raw = ApiToken.issue(user=world.member.user, name="sync")
    assert Client().get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code == HTTPStatus.OK
    Client().get("/api/me", headers={"Authorization": "Bearer mnt_not-a-token"})
    member = client_for(world.member)
    assert member.get(reverse("core:audit_log", args=["globex"])).status_code == HTTPStatus.NOT_FOUND
    services.change_role(membership=world.member, role="coordinator", changed_by=world.admin.user)

    mentee = client_for(world.mentee)
    mentee.post(reverse("messaging:send", args=["acme", world.mentorship.pk]), {"body": CANARY_BODY})
    mentee.post(reverse("mentorships:note_add", args=["acme", world.mentorship.pk]), {"body": CANARY_NOTE})
    mentee.post(reverse("profiles:edit", args=["acme"]), profile_post(bio=CANARY_BIO))

    found = security()
    by_name = {e["event"]: e for e in found}
    failure = by_name["signin.failure"]
    assert failure["ip"] == "203.0.113.4" and failure["login"] == "member@acme.test"
    assert len(failure["request_id"]) == 32 and failure["time"].endswith("Z")
    (success,) = [e for e in found if e["event"] == "signin.success" and e["ip"] == "198.51.100.8"]
    assert success["user_id"] == world.member.user.pk
    assert by_name["token.used"]["user_id"] == world.member.user.pk
    assert "token.refused" in by_name
    denial = by_name["access.denied"]
    assert denial["status"] == 404 and denial["path"] == "/o/globex/audit/" and denial["user_id"] == world.member.user.pk
    role = by_name["membership.role_change"]
    assert role["user_id"] == world.admin.user.pk and role["organization"] == "acme"

    text = caplog.text
    for secret in (CANARY_PASSWORD, raw, raw[4:], CANARY_BODY, CANARY_NOTE, CANARY_BIO, member.cookies["sessionid"].value):
        assert secret not in text


def test_cr_lf_in_a_value_cannot_forge_a_log_line(security, caplog):
    crafted = 'x@acme.test\r\n{"event":"signin.success","user_id":1}'
    security_log.event("signin.failure", login=crafted)
    (line,) = [r.getMessage() for r in caplog.records if r.name == "mentora.security"]
    assert "\n" not in line and "\r" not in line
    assert json.loads(line)["login"] == crafted and json.loads(line)["event"] == "signin.failure"


def test_throttling_and_expired_sessions_are_logged(world: World, security):
    for _ in range(7):
        Client(REMOTE_ADDR="203.0.113.9").post("/accounts/login/", {"login": "member@acme.test", "password": "no"})
    names = [e["event"] for e in security()]
    assert "signin.throttled" in names
    assert [e.get("wait_seconds") for e in security() if e["event"] == "signin.failure"][-1] == 2

    client = client_for(world.member)
    client.get("/o/acme/")
    session = client.session
    session[SEEN_AT] -= 9 * 3600
    session.save()
    client.get("/o/acme/")
    expired = [e for e in security() if e["event"] == "session.expired"]
    assert expired and expired[0]["reason"] == "idle" and expired[0]["user_id"] == world.member.user.pk
