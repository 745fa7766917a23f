"""Erasure in the browser: a person asks on Your data, an admin of their organization confirms on
Requests to be erased, and the person then shows as Former member. axe on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mentora.accounts.models import User
from mentora.privacy.erasure import FORMER_MEMBER
from mentora.privacy.models import ErasureRequest, ErasureStatus
from tests.conftest import World
from tests.e2e.conftest import assert_accessible, login, screenshot

pytestmark = pytest.mark.e2e


def test_a_person_asks_to_be_erased_and_an_admin_confirms(page: Page, live_server, world: World):
    login(page, live_server, "member@acme.test")
    page.get_by_role("link", name="Your data").click()
    erase = page.get_by_role("region", name="Erase my account")
    expect(erase).to_contain_text("It cannot be undone")
    erase.get_by_role("button", name="Ask to erase my account").click()
    expect(page.get_by_role("alert")).to_contain_text("Type “erase” in the box to confirm")
    assert_accessible(page)
    page.get_by_label("Type “erase” to confirm").fill("erase")
    page.get_by_role("button", name="Ask to erase my account").click()
    expect(page.locator(".messages")).to_contain_text("An admin of your organization will confirm it")
    expect(page.get_by_role("region", name="Erase my account")).to_contain_text("waiting for an admin")
    assert_accessible(page)
    screenshot(page, "erasure-asked", phone=True)
    assert ErasureRequest.objects.pending().filter(user__email="member@acme.test").exists()
    page.get_by_role("button", name="Sign out").click()

    login(page, live_server, "admin@acme.test")
    page.goto(f"{live_server.url}/o/acme/settings/")
    page.get_by_role("link", name="Requests to be erased").click()
    card = page.get_by_role("region", name=world.member.user.display_name)
    expect(card).to_contain_text("member@acme.test")
    assert_accessible(page)
    screenshot(page, "erasure-requests", phone=True)
    card.get_by_label("I understand this cannot be undone").check()
    card.get_by_role("button", name=f"Erase {world.member.user.display_name} now").click()
    expect(page.locator(".messages")).to_contain_text("Former member")
    expect(page.get_by_text("Nobody is waiting to be erased.")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text(FORMER_MEMBER)
    assert_accessible(page)
    erased = User.objects.get(pk=world.member.user.pk)
    assert erased.full_name == FORMER_MEMBER and not erased.is_active
    assert ErasureRequest.objects.get(user=erased).status == ErasureStatus.DONE
