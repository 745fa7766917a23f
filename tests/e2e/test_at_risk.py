"""A coordinator finds the pairs that need help, nudges two of them, and a mentee reads the nudge."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mentora.insights.models import Nudge
from tests.conftest import World
from tests.e2e.conftest import assert_accessible, login, screenshot
from tests.risk_fixtures import another_pair, keep_going

pytestmark = pytest.mark.e2e


def test_a_coordinator_nudges_two_quiet_pairs_and_the_mentee_sees_it(page: Page, live_server, world: World):
    world.mentee.user.full_name, world.mentor.user.full_name = "Ana Lima", "Morgan Reyes"
    world.mentee.user.save(update_fields=["full_name"])
    world.mentor.user.save(update_fields=["full_name"])
    keep_going(world, world.mentorship)
    first = another_pair(world, quiet_for=45, names=("Sam Okafor", "Lea Martin"))
    second = another_pair(world, quiet_for=38, names=("Jon Berg", "Priya Nair"))

    login(page, live_server, "coord@acme.test")
    page.goto(f"{live_server.url}/o/acme/programs/{world.program.pk}/insights/at-risk/")
    expect(page.get_by_role("heading", name="Pairs that need help")).to_be_visible()
    expect(page.locator(f"#pair-{first.pk}")).to_contain_text("High risk")
    expect(page.locator(f"#pair-{first.pk}")).to_contain_text("Latest check-in: 2 out of 5")
    assert_accessible(page)
    screenshot(page, "at-risk-pairs", phone=True)

    select_all = page.get_by_role("checkbox", name="Select all shown")
    select_all.check()  # every pair shown, then back to none (bulk-select.js)
    expect(page.locator("[data-selected-count]")).to_contain_text("pairs selected.")
    select_all.uncheck()
    expect(page.locator("[data-selected-count]")).to_have_text("")
    page.get_by_label("Select Lea Martin, Sam Okafor").check()
    page.get_by_label("Select Priya Nair, Jon Berg").check()
    expect(page.locator("[data-selected-count]")).to_have_text("2 pairs selected.")
    page.get_by_role("button", name="Review the nudge").click()

    expect(page.get_by_role("heading", name="Who gets what")).to_be_visible()
    expect(page.get_by_role("button", name="Send to 4 people")).to_be_visible()
    page.get_by_label("Message", exact=True).fill(
        "Hi {first_name}, how about a catch-up with {other_name} this week? {program} is halfway through.")
    page.get_by_role("button", name="Update the preview").click()
    expect(page.get_by_text("Hi Lea, how about a catch-up with Sam Okafor this week? Career Growth is halfway through."))\
        .to_be_visible()
    assert_accessible(page)
    screenshot(page, "nudge-confirm", phone=True)
    page.get_by_role("button", name="Send to 4 people").click()

    expect(page.get_by_text("Nudged 2 pairs: 4 people will hear from you.")).to_be_visible()
    page.get_by_role("link", name="All pairs under way").click()
    expect(page.locator(f"#pair-{first.pk}")).to_contain_text("Nudged today")
    expect(page.locator(f"#pair-{first.pk}").get_by_label("Select Lea Martin, Sam Okafor")).to_be_disabled()
    assert_accessible(page)
    assert Nudge.objects.filter(mentorship__in=[first, second]).count() == 2
    screenshot(page, "at-risk-nudged")

    page.get_by_role("button", name="Sign out").click()
    login(page, live_server, "lea@acme.test")
    page.goto(f"{live_server.url}/o/acme/notifications/")
    expect(page.get_by_role("link", name="A note from")).to_be_visible()
    expect(page.get_by_text("Hi Lea, how about a catch-up with Sam Okafor this week?")).to_be_visible()
    assert_accessible(page)
