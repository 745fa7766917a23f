"""The whole relationship in a real browser, from agreement to certificate; axe on every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mentora.feedback.models import CheckIn
from tests.conftest import World
from tests.e2e.conftest import assert_accessible, login, screenshot

pytestmark = pytest.mark.e2e


def test_mentor_and_mentee_run_their_mentorship_from_agreement_to_certificate(page: Page, live_server, world: World):
    home = f"{live_server.url}/o/acme/mentorships/{world.mentorship.pk}/"
    soon = str(timezone.localdate() + timedelta(days=30))

    # The mentee writes the agreement (saving confirms it for them).
    login(page, live_server, "mentee@acme.test")
    page.goto(home)
    assert_accessible(page)
    page.get_by_role("link", name="Open the agreement").click()
    assert_accessible(page)
    page.get_by_role("link", name="Write the agreement").click()
    page.get_by_label("What the mentee wants from this mentorship").fill("Confidence presenting to leadership")
    page.get_by_label("How long a session lasts (minutes)").fill("45")
    page.get_by_role("checkbox", name="Chat").check()
    page.get_by_label("Boundaries and confidentiality").fill("What we say stays between us.")
    page.get_by_label("How you give each other feedback").fill("Five minutes at the end of each session.")
    assert_accessible(page)
    page.get_by_role("button", name="Save and confirm").click()
    expect(page.locator("#agreement-status")).to_contain_text("Waiting for confirmation")

    # A SMART goal with a milestone and a ticked checklist item.
    page.goto(f"{live_server.url}/o/acme/mentorships/{world.mentorship.pk}/goals/new/")
    page.get_by_label("Goal:", exact=True).fill("Give a talk at the all-hands")
    page.get_by_label("Specific: what exactly do you want to achieve?").fill(
        "A ten minute talk on our data platform at the monthly all-hands meeting")
    page.get_by_label("Measurable: how will you know you got there?").fill("Talk given, 3 questions answered")
    page.get_by_label("Achievable: what makes it realistic (time, support, resources)?").fill(
        "I have two months and my mentor's review")
    page.get_by_label("Relevant: why does it matter to you now?").fill("Leads present their work and I want to lead")
    page.get_by_label("Time-bound: by when?").fill(soon)
    assert_accessible(page)
    page.get_by_role("button", name="Save goal").click()
    page.get_by_label("Milestone:", exact=True).fill("Outline ready")
    page.get_by_label("Due on").fill(soon)
    page.get_by_role("button", name="Add milestone").click()
    page.get_by_label("New checklist item").fill("Pick a topic")
    page.get_by_role("button", name="Add item").click()
    page.get_by_role("button", name="Tick “Pick a topic”").click()
    expect(page.locator("#goal-progress-text")).to_have_text("50%")
    assert_accessible(page)
    page.goto(home)
    screenshot(page, "mentorship", phone=True)

    # Log a session with a shared and a private note.
    page.goto(home + "sessions/")
    page.get_by_label("Duration (minutes)").fill("45")
    page.get_by_label("Channel").select_option("video")
    page.get_by_label("Topics").fill("The talk outline")
    page.get_by_label("Shared note").fill("We agreed on the outline.")
    page.get_by_label("Private note").fill("I felt nervous about the Q&A.")
    page.get_by_role("button", name="Log session").click()
    expect(page.get_by_text("I felt nervous about the Q&A.")).to_be_visible()
    assert_accessible(page)

    # Answer a check-in (scheduled by the task in real life).
    check_in = CheckIn.objects.create(mentorship=world.mentorship, respondent=world.mentee, sequence=1,
                                      due_on=timezone.localdate(), sent_at=timezone.now())
    page.goto(f"{live_server.url}/o/acme/check-ins/{check_in.pk}/")
    assert_accessible(page)
    page.get_by_role("group", name="How is it going? (1 = badly, 5 = very well)").get_by_label("4").check()
    page.get_by_role("group", name="Are you meeting as agreed?").get_by_label("Yes").check()
    page.get_by_role("group", name="How useful is it? (1 = not at all, 5 = very)").get_by_label("5").check()
    page.get_by_role("button", name="Send check-in").click()
    expect(page.get_by_role("status")).to_contain_text("check-in sent")
    page.context.clear_cookies()

    # The mentor confirms, sees only the shared note, and gives kudos.
    login(page, live_server, "mentor@acme.test")
    page.goto(home + "agreement/")
    page.get_by_role("button", name="I confirm this agreement").click()
    expect(page.locator("#agreement-status")).to_contain_text("in force")
    assert_accessible(page)
    page.goto(home + "sessions/")
    expect(page.get_by_text("We agreed on the outline.")).to_be_visible()
    expect(page.get_by_text("I felt nervous about the Q&A.")).to_have_count(0)
    page.goto(home + "feedback/")
    page.get_by_role("radio", name="Kudos").check()
    page.get_by_label("Your feedback").fill("Your outline is clear and bold. Well done!")
    page.get_by_label("For the goal").select_option(label="Give a talk at the all-hands")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your outline is clear and bold. Well done!")).to_be_visible()
    assert_accessible(page)

    # Complete the mentorship (either side's coordinator would; here the end date passed).
    from mentora.mentorships.services import transition_mentorship

    transition_mentorship(mentorship=world.mentorship, to_status="completed", actor=world.coordinator.user)
    page.context.clear_cookies()
    login(page, live_server, "mentee@acme.test")
    page.goto(home)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
