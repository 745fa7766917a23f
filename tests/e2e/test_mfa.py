"""Two-step sign-in in a real browser: a coordinator whose organization requires it is sent to set
it up, scans (here: reads) the key, confirms with a code, keeps the recovery codes, and signs in
again with password and code; a passkey added and used through Chromium's virtual authenticator.
axe on every page, under the app's Content-Security-Policy (allauth's scripts load from /static/)."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import Page, expect

from mentora.core.models import Organization
from tests.conftest import World
from tests.e2e.conftest import assert_accessible, login, screenshot
from tests.factories import PASSWORD
from tests.test_mfa import totp

pytestmark = pytest.mark.e2e


def confirm_password(page: Page) -> None:
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()


def test_a_coordinator_is_sent_to_set_up_two_step_sign_in_then_signs_in_with_a_code(
    page: Page, live_server, world: World
):
    Organization.objects.filter(pk=world.org.pk).update(require_mfa_for_staff=True)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    login(page, live_server, "coord@acme.test")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.get_by_text("Acme asks its admins and coordinators to turn on two-step sign-in")).to_be_visible()
    expect(page.get_by_role("heading", name="Two-step sign-in", exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "mfa-overview", phone=True)

    page.get_by_role("link", name="Set up an authenticator app").click()
    assert_accessible(page)
    screenshot(page, "mfa-confirm-password", phone=True)
    confirm_password(page)

    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    secret = page.get_by_label("Key to type in instead").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert_accessible(page)
    screenshot(page, "mfa-setup", phone=True)
    page.get_by_label("Code the app shows").fill("000000" if totp(secret) != "000000" else "111111")
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.get_by_text("Incorrect code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code the app shows").fill(totp(secret))
    page.get_by_role("button", name="Confirm and turn on").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10
    expect(page.get_by_role("link", name="Download the codes")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "mfa-recovery-codes", phone=True)
    assert Authenticator.objects.filter(user=world.coordinator.user, type="totp").exists()

    page.goto(f"{live_server.url}/o/acme/")  # the organization's pages are open now
    expect(page).to_have_url(re.compile(r"/o/acme/$"))
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("coord@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "mfa-code-step", phone=True)
    page.get_by_label("Code").fill("12345")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text("Incorrect code")).to_be_visible()
    page.get_by_label("Code").fill(totp(secret))
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/o/acme/$"))

    page.goto(f"{live_server.url}/accounts/2fa/")
    expect(page.get_by_text("Yours is on, so you are all set.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "mfa-on", phone=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_a_mentee_adds_a_passkey_and_signs_in_with_it(page: Page, live_server, world: World):
    """Chromium's virtual authenticator stands in for a fingerprint reader (WebAuthn over CDP)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True,
    }})
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    # WebAuthn needs a secure context: http://localhost is one, http://127.0.0.1 is not for every check.
    base = live_server.url.replace("127.0.0.1", "localhost")
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill("mentee@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(f"{base}/accounts/2fa/")
    page.get_by_role("link", name="Add a passkey").click()
    confirm_password(page)
    expect(page.get_by_role("heading", name="Add a passkey or security key")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "mfa-passkey-add", phone=True)
    page.get_by_label("Name").fill("Work laptop")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    key = Authenticator.objects.get(user=world.mentee.user, type="webauthn")
    assert str(key) == "Work laptop"

    page.goto(f"{base}/accounts/2fa/webauthn/")
    expect(page.get_by_role("link", name="Remove Work laptop")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill("mentee@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Use a passkey").click()
    expect(page).to_have_url(re.compile(r"/o/acme/$"))
    key.refresh_from_db()
    assert key.last_used_at is not None
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_an_admin_requires_two_step_sign_in_and_is_asked_to_set_it_up_first(page: Page, live_server, world: World):
    login(page, live_server, "admin@acme.test")
    page.goto(f"{live_server.url}/o/acme/settings/")
    box = page.get_by_label("Require two-step sign-in for admins and coordinators")
    expect(box).not_to_be_checked()
    box.check()
    assert_accessible(page)
    page.get_by_role("button", name="Save sign-in rule").click()
    # Saved — and the admin, who has not set it up yet, is the first to be sent to do so.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/(#signin)?$"))
    expect(page.get_by_text("Saved: admins and coordinators must use two-step sign-in.")).to_be_visible()
    expect(page.get_by_text("Acme asks its admins and coordinators to turn on two-step sign-in")).to_be_visible()
    assert Organization.objects.get(pk=world.org.pk).require_mfa_for_staff
    assert_accessible(page)
