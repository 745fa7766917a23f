"""Two-step sign-in (issue 14 item 6): an authenticator app set up with a real code, the code asked
for after the password, recovery codes that work once, wrong codes throttled like wrong passwords,
and an organization that requires it of its admins and coordinators (never of mentors and mentees)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import struct
import time
from http import HTTPStatus
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from mentora.accounts.models import User
from mentora.core.models import AuditEvent, Organization
from tests.conftest import World, client_for
from tests.factories import PASSWORD, UserFactory

LOGIN = "/accounts/login/"
CODE_STEP = "/accounts/2fa/authenticate/"
TOO_MANY = "Too many failed login attempts"


def totp(secret: str, *, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows for `secret` (RFC 6238: HMAC-SHA1, 30 s steps)."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def with_app(user: User) -> str:
    """Give `user` an authenticator app and recovery codes; return the app's secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def recovery_codes(user: User) -> list[str]:
    codes: list[str] = Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()
    return codes


def password_step(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post(LOGIN, {"login": email, "password": password})


def confirm_password(client: Client) -> None:
    """The "confirm it is you" step allauth asks before any change to two-step sign-in."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:500]


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def security(caplog: pytest.LogCaptureFixture) -> Any:
    caplog.set_level(logging.INFO, logger="mentora.security")

    def events(name: str) -> list[dict[str, Any]]:
        found = [json.loads(r.getMessage()) for r in caplog.records if r.name == "mentora.security"]
        return [e for e in found if e["event"] == name]

    return events


# --- setting it up ------------------------------------------------------------------------------

def test_a_person_sets_up_an_authenticator_app_with_the_code_it_shows(world: World, security,
                                                                     django_capture_on_commit_callbacks):
    client = Client()
    assert password_step(client, "mentee@acme.test").status_code == HTTPStatus.FOUND
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked.status_code == HTTPStatus.FOUND and asked["Location"].startswith(reverse("account_reauthenticate"))
    assert "Confirm it is you" in client.get(asked["Location"]).content.decode()
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Set up an authenticator app" in html and 'src="data:image/svg+xml' in html  # the QR code
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', html).group(1)  # type: ignore[union-attr]

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000" if totp(secret) != "000000" else "111111"})
    assert wrong.status_code == HTTPStatus.OK and "Incorrect code" in wrong.content.decode()
    assert not Authenticator.objects.filter(user=world.mentee.user).exists()

    with django_capture_on_commit_callbacks(execute=True):
        right = client.post(reverse("mfa_activate_totp"), {"code": totp(secret)})
    assert right.status_code == HTTPStatus.FOUND and right["Location"] == reverse("mfa_view_recovery_codes")
    kinds = set(Authenticator.objects.filter(user=world.mentee.user).values_list("type", flat=True))
    assert kinds == {"totp", "recovery_codes"}
    codes_page = client.get(right["Location"]).content.decode()
    assert all(code in codes_page for code in recovery_codes(world.mentee.user))
    download = client.get(reverse("mfa_download_recovery_codes"))
    assert download.status_code == HTTPStatus.OK and recovery_codes(world.mentee.user)[0] in download.content.decode()
    assert [e["kind"] for e in security("mfa.enabled")] == ["totp", "recovery_codes"]
    assert secret not in json.dumps(security("mfa.enabled"))
    overview = client.get(reverse("mfa_index")).content.decode()
    assert "Turn off the app" in overview and "10 of 10 codes are still unused" in overview


def test_the_overview_is_linked_from_every_signed_in_page(world: World):
    page = client_for(world.mentee).get(reverse("privacy:my_data")).content.decode()
    assert f'href="{reverse("mfa_index")}"' in page and "Two-step sign-in" in page


# --- signing in ---------------------------------------------------------------------------------

def test_sign_in_asks_for_the_code_after_the_password_and_refuses_a_wrong_one(world: World, security):
    secret = with_app(world.mentee.user)
    client = Client()
    response = password_step(client, "mentee@acme.test")
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == CODE_STEP
    assert not signed_in(client)
    assert client.get("/o/acme/").status_code == HTTPStatus.FOUND  # not in yet

    step = client.get(CODE_STEP)
    assert step.status_code == HTTPStatus.OK and "One more step" in step.content.decode()
    wrong = client.post(CODE_STEP, {"code": "12345"})
    assert wrong.status_code == HTTPStatus.OK and "Incorrect code" in wrong.content.decode()
    assert not signed_in(client)
    assert security("mfa.failure")[0]["user_id"] == world.mentee.user.pk

    right = client.post(CODE_STEP, {"code": totp(secret)})
    assert right.status_code == HTTPStatus.FOUND
    assert signed_in(client) and client.get("/o/acme/").status_code == HTTPStatus.OK
    assert security("mfa.used")[0]["kind"] == "totp" and security("signin.success")


def test_a_recovery_code_lets_you_in_once(world: World, security):
    with_app(world.mentee.user)
    code = recovery_codes(world.mentee.user)[0]
    first = Client()
    password_step(first, "mentee@acme.test")
    assert first.post(CODE_STEP, {"code": code}).status_code == HTTPStatus.FOUND and signed_in(first)
    assert security("mfa.recovery_code_used")[0]["user_id"] == world.mentee.user.pk
    assert code not in recovery_codes(world.mentee.user) and len(recovery_codes(world.mentee.user)) == 9

    again = Client()
    password_step(again, "mentee@acme.test")
    refused = again.post(CODE_STEP, {"code": code})
    assert refused.status_code == HTTPStatus.OK and "Incorrect code" in refused.content.decode()
    assert not signed_in(again)


def test_wrong_codes_are_throttled_and_a_correct_password_buys_no_more_guesses(world: World, settings, security):
    settings.MENTORA_SIGNIN_FREE_ATTEMPTS = 3
    secret = with_app(world.mentee.user)
    client = Client(REMOTE_ADDR="203.0.113.9")
    password_step(client, "mentee@acme.test")
    for _ in range(3):
        assert "Incorrect code" in client.post(CODE_STEP, {"code": "000001"}).content.decode()
    client.post(CODE_STEP, {"code": "000001"})  # the fourth earns a wait
    # Signing in with the password again (which clears the password count) leaves the code count alone.
    password_step(client, "mentee@acme.test")
    throttled = client.post(CODE_STEP, {"code": totp(secret)})
    assert throttled.status_code == HTTPStatus.OK and TOO_MANY in throttled.content.decode()
    assert not signed_in(client)
    assert security("mfa.throttled")[0]["wait_seconds"] >= 1

    # The owner, from their own address, is not slowed by the stranger's guesses.
    owner = Client(REMOTE_ADDR="198.51.100.7")
    password_step(owner, "mentee@acme.test")
    assert owner.post(CODE_STEP, {"code": totp(secret)}).status_code == HTTPStatus.FOUND and signed_in(owner)


def test_the_password_throttle_still_applies_to_accounts_with_two_step_sign_in(world: World, settings):
    settings.MENTORA_SIGNIN_FREE_ATTEMPTS = 2
    with_app(world.mentee.user)
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        password_step(client, "mentee@acme.test", "wrong")
    response = password_step(client, "mentee@acme.test")
    assert response.status_code == HTTPStatus.OK and TOO_MANY in response.content.decode()
    assert client.get(CODE_STEP).status_code == HTTPStatus.FOUND  # never reached the code step


# --- what an organization requires ----------------------------------------------------------------

def _require(org: Organization) -> None:
    Organization.objects.filter(pk=org.pk).update(require_mfa_for_staff=True)


@pytest.mark.parametrize("role", ["admin", "coordinator"])
def test_admins_and_coordinators_without_it_are_sent_to_set_it_up(world: World, role: str):
    _require(world.org)
    client = client_for(getattr(world, role))
    for path in ["/o/acme/", "/o/acme/programs/", "/o/acme/people/"]:
        response = client.get(path)
        assert response.status_code == HTTPStatus.FOUND and response["Location"] == reverse("mfa_index"), path
    page = client.get(reverse("mfa_index"))
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Acme asks its admins and coordinators to turn on two-step sign-in" in html  # the message
    assert "Set up an authenticator app below" in html
    assert client.get(reverse("mfa_list_webauthn")).status_code == HTTPStatus.OK  # the setup pages stay open
    htmx = client.get("/o/acme/programs/", headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == reverse("mfa_index")
    api = client.get("/api/orgs/acme/programs")
    assert api.status_code == HTTPStatus.FORBIDDEN and "two-step sign-in" in api.json()["detail"]
    tokens = client.get(reverse("accounts:api_tokens"))
    assert tokens.status_code == HTTPStatus.FOUND and tokens["Location"] == reverse("mfa_index")
    assert client.post(reverse("account_logout")).status_code == HTTPStatus.FOUND  # they can always sign out


@pytest.mark.parametrize("role", ["mentee", "mentor", "member"])
def test_mentors_and_mentees_are_never_forced(world: World, role: str):
    _require(world.org)
    client = client_for(getattr(world, role))
    assert client.get("/o/acme/").status_code == HTTPStatus.OK
    assert client.get("/api/orgs/acme/programs").status_code == HTTPStatus.OK
    assert client.get(reverse("accounts:api_tokens")).status_code == HTTPStatus.OK


def test_once_set_up_the_redirects_stop(world: World):
    _require(world.org)
    client = client_for(world.coordinator)
    assert client.get("/o/acme/").status_code == HTTPStatus.FOUND
    with_app(world.coordinator.user)
    assert client.get("/o/acme/").status_code == HTTPStatus.OK
    assert client.get("/api/orgs/acme/programs").status_code == HTTPStatus.OK
    assert client.get(reverse("accounts:api_tokens")).status_code == HTTPStatus.OK
    assert "Yours is on, so you are all set" in client.get(reverse("mfa_index")).content.decode()


def test_recovery_codes_alone_do_not_count(world: World):
    _require(world.org)
    RecoveryCodes.activate(world.coordinator.user)
    assert client_for(world.coordinator).get("/o/acme/").status_code == HTTPStatus.FOUND


def test_an_organization_that_does_not_require_it_asks_nothing(world: World):
    assert client_for(world.coordinator).get("/o/acme/").status_code == HTTPStatus.OK


def test_only_admins_set_the_requirement_and_each_change_is_audited(world: World, security):
    url = reverse("core:organization_settings", args=["acme"])
    page = client_for(world.admin).get(url).content.decode()
    assert "Require two-step sign-in for admins and coordinators" in page and "Mentors and mentees" in page

    refused = client_for(world.coordinator).post(url, {"section": "signin", "require_mfa_for_staff": "on"})
    assert refused.status_code == HTTPStatus.NOT_FOUND
    assert not Organization.objects.get(pk=world.org.pk).require_mfa_for_staff

    saved = client_for(world.admin).post(url, {"section": "signin", "require_mfa_for_staff": "on"})
    assert saved.status_code == HTTPStatus.FOUND and saved["Location"].endswith("#signin")
    assert Organization.objects.get(pk=world.org.pk).require_mfa_for_staff
    event = AuditEvent.objects.get(action="security.mfa_policy_change")
    assert event.details == {"from": False, "to": True} and event.actor == world.admin.user
    assert security("security.mfa_policy_change")

    with_app(world.admin.user)  # the admin themselves now needs it to reach the settings page
    client_for(world.admin).post(url, {"section": "signin"})  # unticked: off
    assert not Organization.objects.get(pk=world.org.pk).require_mfa_for_staff
    assert AuditEvent.objects.filter(action="security.mfa_policy_change").count() == 2


# --- the rest ----------------------------------------------------------------------------------------

def test_someone_elses_passkey_is_missing_like_one_that_does_not_exist(world: World):
    other = Authenticator.objects.create(user=world.mentor.user, type="webauthn",
                                         data={"name": "Mentor's key", "credential": {}})
    client = Client()
    password_step(client, "mentee@acme.test")
    confirm_password(client)
    for name in ("mfa_edit_webauthn", "mfa_remove_webauthn"):
        assert client.get(reverse(name, args=[other.pk])).status_code == HTTPStatus.NOT_FOUND
    assert client.post(reverse("mfa_remove_webauthn", args=[other.pk])).status_code == HTTPStatus.NOT_FOUND
    assert Authenticator.objects.filter(pk=other.pk).exists()


def test_turning_the_app_off_is_logged(world: World, security):
    with_app(world.mentee.user)
    client = client_for(world.mentee)
    assert client.post(reverse("mfa_deactivate_totp")).status_code == HTTPStatus.FOUND  # asks to confirm first
    assert Authenticator.objects.filter(user=world.mentee.user, type="totp").exists()
    confirm_password(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == HTTPStatus.FOUND
    assert not Authenticator.objects.filter(user=world.mentee.user).exists()  # the codes go with it
    assert {e["kind"] for e in security("mfa.disabled")} == {"totp", "recovery_codes"}


def test_the_export_tells_which_kinds_are_set_up_but_never_the_secret(world: World):
    secret = with_app(world.mentee.user)
    from mentora.privacy.export import collect

    rows = collect(world.mentee.user).records["mfa.Authenticator"]
    assert {row["type"] for row in rows} == {"totp", "recovery_codes"}
    assert all("data" not in row for row in rows) and secret not in json.dumps(rows, default=str)


def test_the_django_admin_signs_in_through_mentoras_sign_in_page(world: World):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == HTTPStatus.FOUND and response["Location"].startswith(LOGIN)


def test_a_platform_admin_resets_someones_two_step_sign_in(world: World, security):
    with_app(world.mentee.user)
    root = UserFactory(email="root@mentora.test", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    rows = list(Authenticator.objects.filter(user=world.mentee.user).values_list("pk", flat=True))
    response = client.post("/admin/mfa/authenticator/", {"action": "reset_two_step_sign_in",
                                                          "_selected_action": rows[:1]})
    assert response.status_code == HTTPStatus.FOUND
    assert not Authenticator.objects.filter(user=world.mentee.user).exists()
    assert {e["admin_id"] for e in security("mfa.reset_by_admin")} == {root.pk}
    cache.clear()


def test_a_password_reset_still_asks_for_the_code(world: World, django_capture_on_commit_callbacks):
    """Signing in straight after a reset (ACCOUNT_LOGIN_ON_PASSWORD_RESET) goes through the code step."""
    from django.core import mail

    with_app(world.mentee.user)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "mentee@acme.test"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    form = client.get(link)
    assert form.status_code == HTTPStatus.FOUND
    new_password = "a-new-Passw0rd-for-mentee"
    done = client.post(form["Location"], {"password1": new_password, "password2": new_password})
    assert done.status_code == HTTPStatus.FOUND and done["Location"] == CODE_STEP
    assert not signed_in(client)


def test_the_apps_key_is_encrypted_at_rest_and_survives_a_secret_key_rotation(world: World, settings):
    secret = with_app(world.mentee.user)
    stored = Authenticator.objects.get(user=world.mentee.user, type="totp").data["secret"]
    assert stored.startswith("enc1:") and secret not in stored
    seed = json.dumps(Authenticator.objects.get(user=world.mentee.user, type="recovery_codes").data)
    assert recovery_codes(world.mentee.user)[0] not in seed

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-0123456789"
    client = Client()
    password_step(client, "mentee@acme.test")
    assert client.post(CODE_STEP, {"code": totp(secret)}).status_code == HTTPStatus.FOUND and signed_in(client)


def test_a_key_stored_before_encryption_still_works(world: World):
    secret = generate_totp_secret()
    Authenticator.objects.create(user=world.mentee.user, type="totp", data={"secret": secret})
    client = Client()
    password_step(client, "mentee@acme.test")
    assert client.post(CODE_STEP, {"code": totp(secret)}).status_code == HTTPStatus.FOUND and signed_in(client)


@pytest.mark.django_db(transaction=True)
def test_the_chat_socket_is_refused_to_a_coordinator_without_it(world: World):
    from asgiref.sync import async_to_sync

    from mentora.accounts.models import Membership, Role
    from tests.test_messaging import conversation_socket

    _require(world.org)
    Membership.objects.filter(pk=world.mentor.pk).update(role=Role.COORDINATOR)  # a coordinator who also mentors

    async def connects(socket: Any) -> bool:
        connected, _code = await socket.connect()
        await socket.disconnect()
        return bool(connected)

    assert not async_to_sync(connects)(conversation_socket(world, world.mentor))
    with_app(world.mentor.user)
    assert async_to_sync(connects)(conversation_socket(world, world.mentor))
