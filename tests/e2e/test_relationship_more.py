"""More of the relationship in a real browser: a quiz on a milestone, an evidence file, a milestone
review; axe on every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mentora.goals.models import Milestone
from mentora.goals.reviews import open_due_reviews
from tests.conftest import World
from tests.e2e.conftest import assert_accessible, login, screenshot
from tests.relationship_fixtures import PDF_BYTES, goal_of

pytestmark = pytest.mark.e2e

QUESTIONS = "What is the M in SMART?\nMagic\n* Measurable\n\nIs feedback a gift?\n* Yes\nNo"


def test_a_coordinator_writes_a_quiz_the_mentee_takes_it_and_the_mentor_sees_the_score(
        page: Page, live_server, world: World):
    goal = goal_of(world)
    Milestone.objects.create(goal=goal, title="Outline ready", due_on=timezone.localdate() + timedelta(days=10))

    login(page, live_server, "coord@acme.test")
    page.goto(f"{live_server.url}/o/acme/programs/{world.program.pk}/quizzes/new/")
    assert_accessible(page)
    page.get_by_role("textbox", name="Title").fill("SMART basics")
    page.get_by_label("Pass mark (% of questions right)").fill("100")
    page.get_by_label("Attempts allowed").fill("2")
    page.get_by_role("textbox", name="Questions").fill(QUESTIONS)
    page.get_by_role("button", name="Save quiz").click()
    expect(page.get_by_role("heading", name="SMART basics")).to_be_visible()
    assert_accessible(page)
    page.context.clear_cookies()

    login(page, live_server, "mentee@acme.test")
    page.goto(f"{live_server.url}/o/acme/goals/{goal.pk}/")
    page.get_by_label("Knowledge check for “Outline ready”").select_option(label="SMART basics")
    page.get_by_role("button", name="Set quiz — Outline ready").click()
    assert_accessible(page)
    page.get_by_role("link", name="Knowledge check “SMART basics”").click()
    assert_accessible(page)
    page.get_by_role("group", name="What is the M in SMART?").get_by_label("Measurable").check()
    page.get_by_role("group", name="Is feedback a gift?").get_by_label("No").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("status")).to_contain_text("You scored 1 out of 2")
    assert_accessible(page)
    # Not passed (the mark is 100 %): one more try is allowed, and it passes.
    expect(page.locator("#attempts-left")).to_contain_text("Attempt 2 of 2: this is your last try.")
    page.get_by_role("group", name="What is the M in SMART?").get_by_label("Measurable").check()
    page.get_by_role("group", name="Is feedback a gift?").get_by_label("Yes").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("status")).to_contain_text("You scored 2 out of 2")
    expect(page.get_by_role("button", name="Send my answers")).to_have_count(0)
    page.context.clear_cookies()

    login(page, live_server, "mentor@acme.test")
    page.goto(f"{live_server.url}/o/acme/goals/{goal.pk}/")
    page.get_by_role("link", name="Knowledge check “SMART basics”").click()
    expect(page.locator("#quiz-results")).to_contain_text("1 of 2 right (50%) — not passed yet")
    expect(page.locator("#quiz-results")).to_contain_text("2 of 2 right (100%) · attempt 2 — passed")
    expect(page.get_by_role("button", name="Send my answers")).to_have_count(0)


def test_the_mentee_uploads_evidence_and_the_mentor_downloads_it(page: Page, live_server, world: World):
    goal = goal_of(world)
    login(page, live_server, "mentee@acme.test")
    page.goto(f"{live_server.url}/o/acme/goals/{goal.pk}/")
    page.get_by_label("Evidence file").set_input_files(
        files=[{"name": "talk-outline.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}])
    page.get_by_label("Evidence note").fill("First outline of the talk")
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_role("link", name="talk-outline.pdf")).to_be_visible()
    assert_accessible(page)
    page.context.clear_cookies()

    login(page, live_server, "mentor@acme.test")
    page.goto(f"{live_server.url}/o/acme/goals/{goal.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="talk-outline.pdf").click()
    assert download.value.suggested_filename == "talk-outline.pdf"
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == PDF_BYTES


def test_both_sides_complete_a_milestone_review(page: Page, live_server, world: World):
    goal = goal_of(world)
    milestone = Milestone.objects.create(goal=goal, title="Outline ready", due_on=timezone.localdate())
    assert open_due_reviews() == 2  # what the periodic task does at the due date

    login(page, live_server, "mentee@acme.test")
    page.goto(f"{live_server.url}/o/acme/goals/{goal.pk}/")
    page.get_by_role("link", name="Milestone review — Outline ready").click()
    assert_accessible(page)
    page.get_by_label("What went well?").fill("We met every week and the outline is done.")
    page.get_by_label("What would you change?").fill("Shorter, more focused sessions.")
    page.get_by_label("What comes next? (next goals or steps)").fill("Rehearse the talk twice.")
    page.get_by_role("button", name="Save my review").click()
    expect(page.get_by_role("status")).to_contain_text("Review saved")
    assert_accessible(page)
    page.context.clear_cookies()

    login(page, live_server, "mentor@acme.test")
    page.goto(f"{live_server.url}/o/acme/milestones/{milestone.pk}/review/")
    expect(page.get_by_text("Rehearse the talk twice.")).to_be_visible()
    page.get_by_label("What went well?").fill("Clear progress on the outline.")
    page.get_by_label("What would you change?").fill("Start the rehearsals earlier.")
    page.get_by_label("What comes next? (next goals or steps)").fill("Book a room for a dry run.")
    page.get_by_role("button", name="Save my review").click()
    expect(page.get_by_text("Book a room for a dry run.")).to_be_visible()
    expect(page.get_by_role("button", name="Save my review")).to_have_count(0)
    assert_accessible(page)


def test_reaching_the_last_milestone_is_celebrated_warmly_and_calmly(page: Page, live_server, world: World):
    goal = goal_of(world)
    Milestone.objects.create(goal=goal, title="Outline ready", due_on=timezone.localdate() + timedelta(days=7))
    login(page, live_server, "mentee@acme.test")
    page.goto(f"{live_server.url}/o/acme/goals/{goal.pk}/")
    page.get_by_role("button", name="Mark reached milestone “Outline ready”").click()
    toast = page.locator(".message-celebrate")
    expect(toast).to_contain_text("Milestone reached: Outline ready — that was the last one on this goal. Nice work!")
    expect(toast.locator("svg.icon-sparkles")).to_be_attached()
    expect(page.get_by_role("button", name="Reopen milestone “Outline ready”")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "celebration", phone=True)


def test_a_goal_saved_from_a_stale_page_is_refused_and_shows_what_changed(browser, live_server, world: World):
    from tests.e2e.conftest import VIEWPORT

    goal = goal_of(world)
    pages = {}
    for email in ("mentor@acme.test", "mentee@acme.test"):
        page = browser.new_context(viewport=VIEWPORT).new_page()
        login(page, live_server, email)
        page.goto(f"{live_server.url}/o/acme/goals/{goal.pk}/edit/")
        pages[email] = page
    pages["mentor@acme.test"].get_by_label("Goal:", exact=True).fill("Give a talk to the board")
    pages["mentor@acme.test"].get_by_role("button", name="Save goal").click()
    expect(pages["mentor@acme.test"].locator(".messages")).to_contain_text("Goal saved.")

    mine = pages["mentee@acme.test"]
    mine.get_by_label("Goal:", exact=True).fill("Give a talk at the all-hands")
    mine.get_by_role("button", name="Save goal").click()
    expect(mine.get_by_text("Someone changed this goal since you opened it")).to_be_visible()
    expect(mine.get_by_role("region", name="The goal as it is now")).to_contain_text("Give a talk to the board")
    expect(mine.get_by_label("Goal:", exact=True)).to_have_value("Give a talk at the all-hands")
    assert_accessible(mine)
    mine.get_by_role("button", name="Save goal").click()  # deliberately, now that they have seen theirs
    expect(mine.locator(".messages")).to_contain_text("Goal saved.")
    goal.refresh_from_db()
    assert goal.title == "Give a talk at the all-hands"
