"""End-to-end flows in a real browser, each page checked with axe-core (WCAG 2.2 A/AA).

Locators go by role and accessible name, so a control without a proper label fails here too.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import FilePayload, Locator, Page, expect

from mentora.accounts.models import Membership
from mentora.programs.models import EnrollmentQuestion
from tests.conftest import World
from tests.e2e.conftest import assert_accessible, login, screenshot

pytestmark = pytest.mark.e2e

CSV_HEADER = "name,email,department,job_title,level,manager_email,location,timezone,languages\n"


def main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def choose_skill(page: Page, picker: str, name: str) -> None:
    """Type a skill's name in the picker's combobox, highlight the first match, press Enter."""
    page.get_by_role("combobox", name=picker).fill(name)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


def completeness(page: Page) -> int:
    return int(page.locator("#completeness").inner_text().rstrip("%"))


@pytest.fixture
def career_question(world: World) -> EnrollmentQuestion:
    return EnrollmentQuestion.objects.create(
        program=world.program, text="Where do you want to be in two years?", roles=["mentee"], is_required=True,
    )


def test_a_member_completes_their_profile_and_applies_to_a_program_as_mentee(
    page: Page, live_server, world: World, skills, career_question
):
    """Profile form → completeness rises → Programs → apply as mentee → status "Applied"."""
    login(page, live_server, "member@acme.test")
    expect(page).to_have_url(re.compile(r"/o/acme/$"))
    assert_accessible(page)
    screenshot(page, "dashboard", phone=True)

    main_nav(page).get_by_role("link", name="My profile").click()
    expect(page.get_by_role("heading", name="My profile", level=1)).to_be_visible()
    assert_accessible(page)
    before = completeness(page)

    page.get_by_label("Headline").fill("Data engineer who loves teaching SQL")
    page.get_by_label("About me").fill("Ten years of pipelines; happy to pair on anything data.")
    page.get_by_label("Job title").fill("Senior data engineer")
    page.get_by_label("Department").fill("Data Platform")
    choose_skill(page, "Add a skill you can offer", "Public speaking")
    page.get_by_label("Level in Public speaking (offered)").select_option(label="Expert")
    choose_skill(page, "Add a skill you can offer", "Coaching others")
    page.get_by_label("Level in Coaching others (offered)").select_option(label="Advanced")
    choose_skill(page, "Add a skill you want to grow", "Negotiation")
    page.get_by_label("Level in Negotiation (wanted)").select_option(label="Beginner")
    page.get_by_label("Goals").fill("Lead a team within two years.")
    page.get_by_role("checkbox", name="Video call").check()
    page.get_by_role("checkbox", name="Chat").check()
    for cell in ("Monday 09:00", "Monday 10:00", "Wednesday 14:00", "Friday 16:00"):
        page.get_by_role("checkbox", name=cell).click()
        expect(page.get_by_role("checkbox", name=cell)).to_be_checked()
    page.get_by_label("Time zone").select_option("Europe/Lisbon")
    languages = page.get_by_role("group", name="Languages you can mentor in")
    for language in ("English", "Portuguese", "Spanish"):
        languages.get_by_role("checkbox", name=language, exact=True).check()
    page.get_by_role("button", name="Save profile").click()

    expect(page.get_by_role("status")).to_contain_text("Profile saved.")
    assert completeness(page) > before
    expect(page.get_by_role("checkbox", name="Wednesday 14:00")).to_be_checked()
    expect(page.get_by_role("list", name="Skills you offer").get_by_role("listitem")).to_have_count(2)
    assert_accessible(page)
    screenshot(page, "profile", phone=True)

    main_nav(page).get_by_role("link", name="Programs").click()
    expect(page.get_by_role("heading", name="Career Growth")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Join Career Growth").click()

    expect(page.get_by_role("heading", name="Join Career Growth")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="Mentee").check()
    page.get_by_label("Why do you want to join?").fill("To plan my move into leadership.")
    page.get_by_label("Where do you want to be in two years?").fill("Leading the data platform team.")
    page.get_by_role("button", name="Send application").click()

    expect(page.get_by_role("status")).to_contain_text("Application sent.")
    expect(page.get_by_role("region", name="My participation")).to_contain_text("Mentee: Applied")
    assert_accessible(page)
    main_nav(page).get_by_role("link", name="Programs").click()
    expect(page.get_by_role("article", name="Career Growth")).to_contain_text("Mentee: Applied")


def test_a_coordinator_creates_an_open_program_from_a_purpose_template(page: Page, live_server, world: World):
    """New program form: a purpose pre-fills settings (JS); the open program is listed."""
    login(page, live_server, "coord@acme.test")
    expect(page.get_by_role("heading", name="Programs you run")).to_be_visible()
    assert_accessible(page)
    main_nav(page).get_by_role("link", name="Programs").click()
    expect(page.get_by_role("heading", name="Programs", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="New program").click()
    # Wait for the load event: the deferred script that applies purpose presets must be bound.
    page.wait_for_url("**/o/acme/programs/new/")
    expect(page.get_by_role("heading", name="New program", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("textbox", name="Name:").fill("Buddies 2025")
    page.get_by_label("Purpose").select_option(label="Onboarding buddy")
    # The purpose template fills in the settings it implies.
    expect(page.get_by_label("Description")).to_have_value(re.compile("buddy"))
    expect(page.get_by_label("Matching mode")).to_have_value("coordinator")
    expect(page.get_by_role("checkbox", name="Mentee")).to_be_checked()
    page.get_by_label("Status").select_option(label="Open for enrolment")
    screenshot(page, "program-form")
    page.get_by_role("button", name="Create program").click()

    expect(page.get_by_role("heading", name="Buddies 2025", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Program created.")
    assert_accessible(page)
    main_nav(page).get_by_role("link", name="Programs").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Buddies 2025"))
    expect(row).to_contain_text("Open for enrolment")
    assert_accessible(page)
    screenshot(page, "programs", phone=True)
    row.get_by_role("link", name="Buddies 2025").click()
    page.get_by_role("link", name="Review enrolments").click()
    expect(page.get_by_role("heading", name="Enrolments: Buddies 2025")).to_be_visible()
    expect(page.get_by_role("cell", name="No applications yet.")).to_be_visible()
    assert_accessible(page)


def test_a_coordinator_approves_an_application_and_the_mentee_sees_it(page: Page, live_server, world: World):
    """Enrolment review: approve with a message → "Approved" for the coordinator and the mentee."""
    mentee_name = world.mentee.user.display_name
    login(page, live_server, "coord@acme.test")
    page.goto(f"{live_server.url}/o/acme/programs/{world.program.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Review enrolments").click()
    expect(page.get_by_role("heading", name="Enrolments: Career Growth")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "enrollments")

    row = page.locator(f"#enrollment-{world.mentee_enrollment.pk}")
    expect(row).to_contain_text("Applied")
    row.locator("summary").click()  # the single decision folds away beside the bulk one
    row.get_by_label(f"Decision for {mentee_name}").select_option(label="Approve")
    row.get_by_label("Message (optional)").fill("Welcome aboard! Your mentor will reach out this week.")
    row.get_by_role("button", name="Save decision").click()

    expect(page.get_by_role("status")).to_contain_text(f"Decision saved and sent to {mentee_name}.")
    expect(page.locator(f"#enrollment-{world.mentee_enrollment.pk}")).to_contain_text("Approved")
    assert_accessible(page)

    main_nav(page).get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    login(page, live_server, "mentee@acme.test")
    page.goto(f"{live_server.url}/o/acme/programs/{world.program.pk}/")
    participation = page.get_by_role("region", name="My participation")
    expect(participation).to_contain_text("Mentee: Approved")
    expect(participation).to_contain_text("Welcome aboard!")
    assert_accessible(page)


def _upload(page: Page, filename: str, content: str) -> None:
    csv_file: FilePayload = {"name": filename, "mimeType": "text/csv", "buffer": content.encode()}
    page.get_by_label("People CSV").set_input_files(files=[csv_file])
    page.get_by_role("button", name="Upload and preview").click()


def test_a_coordinator_imports_people_after_fixing_the_rows_the_preview_flags(page: Page, live_server, world: World):
    """CSV import: a bad row blocks the import and is explained; the corrected file imports."""
    rows = [
        "Ada Lovelace,ada@acme.test,Engineering,Staff Engineer,7,,London,Europe/London,en;fr",
        "Grace Hopper,grace@acme.test,Engineering,Engineer,4,ada@acme.test,Toronto,{tz},en",
    ]
    login(page, live_server, "coord@acme.test")
    main_nav(page).get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Import from CSV").click()
    expect(page.get_by_role("heading", name="Import people from CSV")).to_be_visible()
    assert_accessible(page)

    _upload(page, "people.csv", CSV_HEADER + "\n".join(rows).format(tz="Mars/Olympus_Mons") + "\n")
    expect(page.get_by_role("heading", name="Import preview: people.csv")).to_be_visible()
    expect(page.locator("#import-summary")).to_contain_text("1 new, 0 updated, 0 unchanged, 1 with errors.")
    grace = page.get_by_role("row").filter(has_text="grace@acme.test")
    expect(grace).to_contain_text("Unknown time zone “Mars/Olympus_Mons”")
    expect(page.get_by_role("button", name="Import all rows")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "import-preview")

    page.get_by_role("link", name="Upload a corrected file").click()
    _upload(page, "people-fixed.csv", CSV_HEADER + "\n".join(rows).format(tz="America/Toronto") + "\n")
    expect(page.locator("#import-summary")).to_contain_text("2 new, 0 updated, 0 unchanged, 0 with errors.")
    assert_accessible(page)
    page.get_by_role("button", name="Import all rows").click()

    expect(page.get_by_role("status")).to_contain_text("Imported: 2 new, 0 updated, 0 unchanged.")
    # The imported people have no account yet: inviting them is offered, and can wait.
    expect(page.get_by_role("heading", name="Invite the 2 imported people who have no account yet?")).to_be_visible()
    page.get_by_role("link", name="Not now").click()
    people = page.get_by_role("table", name="Members of the organization")
    expect(people.get_by_role("row").filter(has_text="ada@acme.test")).to_contain_text("Europe/London")
    expect(people.get_by_role("row").filter(has_text="grace@acme.test")).to_contain_text("America/Toronto")
    assert_accessible(page)
    assert Membership.objects.filter(organization=world.org, user__email="grace@acme.test").exists()


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_the_anonymous_account_pages_are_accessible(page: Page, live_server, path: str):
    """Sign-in, sign-up and password-reset pages pass axe (WCAG 2.2 A/AA)."""
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_availability_cells_toggle_with_the_keyboard(page: Page, live_server, world: World):
    """Each availability cell is a checkbox: arrows move between them, Space ticks and unticks."""
    login(page, live_server, "member@acme.test")
    page.goto(f"{live_server.url}/o/acme/profile/")
    monday_nine = page.get_by_role("checkbox", name="Monday 09:00")
    monday_ten = page.get_by_role("checkbox", name="Monday 10:00")

    monday_nine.focus()
    page.keyboard.press("Space")
    expect(monday_nine).to_be_checked()
    page.keyboard.press("ArrowRight")
    expect(monday_ten).to_be_focused()
    page.keyboard.press("Space")
    expect(monday_ten).to_be_checked()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Space")
    expect(monday_nine).not_to_be_checked()

    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Profile saved.")
    expect(monday_ten).to_be_checked()
    expect(monday_nine).not_to_be_checked()
