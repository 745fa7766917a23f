"""Sign-in hardening (issue 14 item 5): throttling per (account, address) with backoff instead of a
lockout anyone can cause, the same answer and work for known and unknown addresses, sessions that
end, API tokens that expire, and no-store on signed-in answers."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from http import HTTPStatus
from typing import Any, ClassVar

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentora.accounts import signin_throttle
from mentora.accounts.middleware import SEEN_AT, SIGNED_IN_AT
from mentora.accounts.models import ApiToken
from mentora.core.models import OutboxEntry
from mentora.core.ratelimit import Rate, hit, peek
from tests.conftest import World, client_for
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"
TOO_MANY = "Too many failed login attempts"


def sign_in(ip: str, password: str, email: str = "member@acme.test") -> Any:
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"login": email, "password": password})


# --- throttling ---------------------------------------------------------------------------------

def test_backoff_is_free_for_five_failures_then_doubles_up_to_the_cap(settings):
    settings.MENTORA_SIGNIN_MAX_WAIT = 900
    assert [signin_throttle.backoff(n) for n in range(1, 10)] == [0, 0, 0, 0, 0, 2, 4, 8, 16]
    assert signin_throttle.backoff(40) == 900


def test_wrong_passwords_from_a_stranger_do_not_lock_the_owner_out(world: World):
    for _ in range(8):
        assert sign_in("203.0.113.9", "wrong").status_code == HTTPStatus.OK
    stranger = sign_in("203.0.113.9", PASSWORD)  # even the right password waits out the backoff there
    assert stranger.status_code == HTTPStatus.OK and TOO_MANY in stranger.content.decode()
    owner = sign_in("198.51.100.7", PASSWORD)  # the owner, from their own address
    assert owner.status_code == HTTPStatus.FOUND


def test_the_wait_ends_and_a_success_clears_the_record(world: World):
    now = time.time()
    for _ in range(6):
        signin_throttle.failed(email="member@acme.test", ip="203.0.113.9", now=now)
    assert signin_throttle.wait_for(email="member@acme.test", ip="203.0.113.9", now=now) == 2
    assert signin_throttle.wait_for(email="MEMBER@acme.test ", ip="203.0.113.9", now=now) == 2  # one account
    assert signin_throttle.wait_for(email="member@acme.test", ip="203.0.113.9", now=now + 2.5) == 0
    signin_throttle.failed(email="member@acme.test", ip="203.0.113.9", now=now + 3)
    assert signin_throttle.wait_for(email="member@acme.test", ip="203.0.113.9", now=now + 3) == 4
    signin_throttle.succeeded(email="member@acme.test", ip="203.0.113.9")
    assert signin_throttle.wait_for(email="member@acme.test", ip="203.0.113.9", now=now + 3) == 0
    assert signin_throttle.failed(email="member@acme.test", ip="203.0.113.9", now=now + 4) == 0


def test_an_address_that_tries_many_accounts_waits_for_all_of_them(world: World, settings):
    settings.MENTORA_SIGNIN_PER_IP = "10/15m"
    for number in range(10):
        sign_in("203.0.113.50", "wrong", email=f"guess{number}@acme.test")
    blocked = sign_in("203.0.113.50", PASSWORD)
    assert TOO_MANY in blocked.content.decode()
    assert sign_in("198.51.100.7", PASSWORD).status_code == HTTPStatus.FOUND


def test_a_rate_window_counts_and_turns():
    rate = Rate.parse("3/m")
    assert rate == Rate(3, 60) and Rate.parse("5/15m") == Rate(5, 900)
    start = 6000.0  # a window boundary
    assert [hit("k", rate, now=start + i) for i in range(4)] == [0, 0, 0, 57]
    assert peek("k", rate, now=start + 10) == 50
    assert hit("k", rate, now=start + 60) == 0
    with pytest.raises(ValueError, match="Not a rate"):
        Rate.parse("often")


# --- the same answer for known and unknown addresses -----------------------------------------------

class CountingHasher(MD5PasswordHasher):
    """MD5 (fast) that counts how often a password is hashed: the expensive step timing would reveal."""

    algorithm = "counting_md5"
    calls: ClassVar[int] = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture
def counting(settings: Any) -> type[CountingHasher]:
    settings.PASSWORD_HASHERS = ["tests.test_signin_hardening.CountingHasher"]
    CountingHasher.calls = 0
    return CountingHasher


def _work(counting: type[CountingHasher], post: Any) -> tuple[int, Any]:
    counting.calls = 0
    response = post()
    return counting.calls, response


def test_signup_answers_and_works_the_same_for_a_taken_address(world: World, counting):
    def signup(email: str) -> Any:
        return Client().post("/accounts/signup/", {"email": email, "password1": "A-long-pass-2026",
                                                   "password2": "A-long-pass-2026"})

    taken_work, taken = _work(counting, lambda: signup("member@acme.test"))
    new_work, new = _work(counting, lambda: signup("someone.new@acme.test"))
    assert taken.status_code == new.status_code == HTTPStatus.FOUND
    assert taken["Location"] == new["Location"]
    assert taken_work == new_work >= 1  # both hash the password
    follow = Client().get(taken["Location"]).content.decode()
    assert "already" not in follow.lower()


def test_sign_in_and_reset_work_the_same_for_unknown_addresses(world: World, counting):
    known_work, known = _work(counting, lambda: sign_in("198.51.100.1", "wrong"))
    unknown_work, unknown = _work(counting, lambda: sign_in("198.51.100.2", "wrong", email="nobody@acme.test"))
    assert known.status_code == unknown.status_code == HTTPStatus.OK
    assert known_work == unknown_work, (known_work, unknown_work)
    strip = re.compile(r'[A-Za-z0-9]{64}|value="[^"]*@acme.test"')  # CSRF tokens and the typed address
    assert strip.sub("", known.content.decode()) == strip.sub("", unknown.content.decode())

    before = OutboxEntry.objects.count()
    reset_known = Client().post("/accounts/password/reset/", {"email": "member@acme.test"})
    reset_unknown = Client().post("/accounts/password/reset/", {"email": "nobody@acme.test"})
    assert reset_known.status_code == reset_unknown.status_code == HTTPStatus.FOUND
    assert reset_known["Location"] == reset_unknown["Location"]
    assert OutboxEntry.objects.count() - before == 2  # a mail either way (the unknown one says so)


# --- sessions -----------------------------------------------------------------------------------

def _aged(client: Client, **seconds_ago: int) -> None:
    session = client.session
    now = int(time.time())
    session[SIGNED_IN_AT] = now - seconds_ago.get("signed_in", 0)
    session[SEEN_AT] = now - seconds_ago.get("seen", 0)
    session.save()


def test_a_session_ends_after_eight_idle_hours(world: World):
    client = client_for(world.member)
    client.get("/o/acme/")
    _aged(client, signed_in=9 * 3600, seen=7 * 3600)
    assert client.get("/o/acme/").status_code == HTTPStatus.OK
    _aged(client, signed_in=9 * 3600, seen=8 * 3600 + 5)
    response = client.get("/o/acme/")
    assert response.status_code == HTTPStatus.FOUND and LOGIN in response["Location"]
    assert "_auth_user_id" not in client.session


def test_a_busy_session_still_ends_after_fourteen_days(world: World, settings):
    client = client_for(world.member)
    client.get("/o/acme/")
    _aged(client, signed_in=14 * 86400 + 5, seen=10)
    assert client.get("/o/acme/")["Location"].startswith(LOGIN)
    settings.MENTORA_SESSION_MAX_DAYS = 30  # configurable
    client = client_for(world.member)
    client.get("/o/acme/")
    _aged(client, signed_in=14 * 86400 + 5, seen=10)
    assert client.get("/o/acme/").status_code == HTTPStatus.OK


def test_last_seen_is_rewritten_at_most_once_a_minute(world: World):
    client = client_for(world.member)
    client.get("/o/acme/")
    _aged(client, seen=30)
    seen = client.session[SEEN_AT]
    client.get("/o/acme/")
    assert client.session[SEEN_AT] == seen
    _aged(client, seen=61)
    client.get("/o/acme/")
    assert client.session[SEEN_AT] >= int(time.time()) - 2


def test_signing_in_starts_the_clocks(world: World):
    client = Client(REMOTE_ADDR="198.51.100.3")
    client.post(LOGIN, {"login": "member@acme.test", "password": PASSWORD})
    assert abs(client.session[SIGNED_IN_AT] - time.time()) < 5


# --- API tokens -------------------------------------------------------------------------------------

def test_tokens_expire_and_record_their_last_use(world: World):
    token, raw = ApiToken.issue(user=world.member.user, name="sync")
    assert abs((token.expires_at - timezone.now()) - timedelta(days=90)) < timedelta(minutes=1)
    api = Client()
    bearer = {"Authorization": f"Bearer {raw}"}
    assert api.get("/api/me", headers=bearer).status_code == HTTPStatus.OK
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    api.get("/api/me", headers=bearer)
    token.refresh_from_db()
    assert token.last_used_at == first_use  # not rewritten on every request
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api.get("/api/me", headers=bearer).status_code == HTTPStatus.UNAUTHORIZED


def test_a_person_chooses_how_long_a_token_lives_and_sees_when_it_expires(world: World):
    client = client_for(world.member)
    page = client.post(reverse("accounts:api_tokens"), {"name": "Short", "days": "30"}).content.decode()
    token = ApiToken.objects.get(user=world.member.user)
    assert abs((token.expires_at - timezone.now()) - timedelta(days=30)) < timedelta(minutes=1)
    assert "expires " + token.expires_at.strftime("%-d %b %Y") in page and "never used" in page
    refused = client.post(reverse("accounts:api_tokens"), {"name": "Forever", "days": "9999"})
    assert refused.status_code == HTTPStatus.OK and ApiToken.objects.count() == 1


# --- caching ------------------------------------------------------------------------------------------

def test_signed_in_pages_and_api_answers_are_not_stored(world: World):
    client = client_for(world.member)
    assert "no-store" in client.get("/o/acme/")["Cache-Control"]
    assert "no-store" in client.get("/api/me")["Cache-Control"]
    assert "no-store" in Client().get("/api/me")["Cache-Control"]  # a refusal too


def test_every_answer_carries_a_request_id():
    offered = Client().get(LOGIN, headers={"X-Request-ID": "abc12345-proxy"})
    assert offered["X-Request-ID"] == "abc12345-proxy"
    forged = Client().get(LOGIN, headers={"X-Request-ID": "x\r\nSet-Cookie: a=b"})
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])
    assert mail.outbox == []
