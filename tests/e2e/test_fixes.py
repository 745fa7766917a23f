"""Issue 13 defects 6–9 in the browser: confirmations before bulk actions, the small defects, the
meeting .ics download and the admin fixes. axe on every page; the new pages also at 390 px."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from mentora.accounts.models import Invitation, User
from mentora.matching.models import MatchRun
from mentora.meetings import services as meetings
from mentora.mentorships.models import Mentorship
from mentora.mentorships.services import transition_mentorship
from tests.conftest import World
from tests.e2e.conftest import assert_accessible, login, screenshot
from tests.e2e.test_matching import person
from tests.factories import PASSWORD, EnrollmentFactory, ProgramFactory

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def at_phone_size(page: Page, name: str) -> None:
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_next_peer_round_starts_only_after_its_summary_is_confirmed(page: Page, live_server, world: World, skills):
    program = ProgramFactory(organization=world.org, name="Peer Coffee", form="peer", roles_offered=["peer"])
    peers = [person(world, f"peer{i}@acme.test", department=d) for i, d in enumerate("ABCD")]
    for p in peers:
        EnrollmentFactory(program=program, membership=p, role="peer")
    login(page, live_server, "coord@acme.test")
    page.goto(f"{live_server.url}/o/acme/programs/{program.pk}/matching/")
    page.get_by_role("link", name="Start the next round now…").click()
    expect(page.locator("#round-summary")).to_contain_text("Matches 4 peers again (at most 2 new pairs)")
    expect(page.locator("#round-summary")).to_contain_text("Notifies up to 4 people")
    expect(page.get_by_role("heading", name="Who takes part")).to_be_visible()
    assert not MatchRun.objects.filter(program=program).exists()  # looking changes nothing
    assert_accessible(page)
    screenshot(page, "round-confirm")
    at_phone_size(page, "round-confirm")
    page.get_by_role("button", name="Start the next round and notify everyone").click()
    expect(page.get_by_text("A new round started: 2 pairs.")).to_be_visible()
    assert Mentorship.objects.filter(program=program, status="active").count() == 2


def test_the_publish_summary_fits_a_phone(page: Page, live_server, world: World, skills):
    program = ProgramFactory(organization=world.org, name="Leadership Pilot")
    mentor = person(world, "lead@acme.test", offered=("Negotiation",), level=8)
    mentees = [person(world, f"new{i}@acme.test", wanted=("Negotiation",)) for i in range(3)]
    EnrollmentFactory(program=program, membership=mentor, role="mentor", capacity=2)
    for m in mentees:
        EnrollmentFactory(program=program, membership=m, role="mentee")
    login(page, live_server, "coord@acme.test")
    page.goto(f"{live_server.url}/o/acme/programs/{program.pk}/matching/")
    page.get_by_role("button", name="Run matching").click()
    page.get_by_role("link", name="Review and publish these matches…").click()
    summary = page.locator("#publish-summary")
    expect(summary).to_contain_text("Creates 2 mentorships")
    expect(summary).to_contain_text("Notifies 3 people")
    expect(summary).to_contain_text("Leaves 1 person unmatched")
    assert_accessible(page)
    screenshot(page, "publish-confirm")
    at_phone_size(page, "publish-confirm")
    page.get_by_role("link", name="Not yet").click()
    expect(page.get_by_role("heading", name="What-if preview")).to_be_visible()
    assert not Mentorship.objects.filter(program=program).exists()


def test_a_completed_mentorship_offers_no_booking(page: Page, live_server, world: World):
    transition_mentorship(mentorship=world.mentorship, to_status="completed", actor=world.coordinator.user)
    login(page, live_server, "mentee@acme.test")
    page.goto(f"{live_server.url}/o/acme/mentorships/{world.mentorship.pk}/")
    expect(page.locator("#no-booking")).to_have_text("This mentorship has ended, so no new meetings can be booked.")
    expect(page.get_by_role("link", name="Book a meeting")).to_have_count(0)
    assert_accessible(page)
    page.goto(f"{live_server.url}/o/acme/mentorships/{world.mentorship.pk}/meetings/new/")
    expect(page.get_by_text("This mentorship has ended, so no new meetings can be booked.").first).to_be_visible()
    assert_accessible(page)


def test_the_program_form_shows_circle_sizes_only_for_circles(page: Page, live_server, world: World):
    login(page, live_server, "coord@acme.test")
    page.goto(f"{live_server.url}/o/acme/programs/new/")
    page.locator("#id_form").select_option("one_on_one")
    expect(page.get_by_label("Smallest circle")).to_be_hidden()
    expect(page.get_by_label("Mentees per mentor")).to_be_visible()
    page.locator("#id_form").select_option("circle")
    expect(page.get_by_label("Smallest circle")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_form").select_option("peer")
    expect(page.get_by_label("Mentees per mentor")).to_be_hidden()
    expect(page.get_by_label("Largest circle")).to_be_hidden()
    assert_accessible(page)


def test_a_member_adds_a_meeting_to_their_calendar(page: Page, live_server, world: World):
    starts = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    meeting = meetings.book_meeting(mentorship=world.mentorship, booked_by=world.mentor.user, starts_at=starts)
    login(page, live_server, "mentee@acme.test")
    page.goto(f"{live_server.url}/o/acme/meetings/{meeting.pk}/")
    expect(page.get_by_text(f"{world.mentor.user.display_name}").first).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    path = download_info.value.path()
    [event] = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert str(event["uid"]) == meeting.uid
    page.goto(f"{live_server.url}/o/acme/meetings/")
    expect(page.get_by_role("link", name=re.compile("^Add to calendar"))).to_have_count(1)
    assert_accessible(page)


def test_an_admin_imports_people_then_invites_those_without_an_account(page: Page, live_server, world: World, tmp_path):
    csv = tmp_path / "people.csv"
    csv.write_text("name,email,department,job_title,level,manager_email,location,timezone,languages\n"
                   "Ada Lovelace,ada@acme.test,Engineering,Engineer,7,,London,Europe/London,en\n"
                   "Grace Hopper,grace@acme.test,Engineering,Engineer,4,,Toronto,America/Toronto,en\n")
    login(page, live_server, "admin@acme.test")
    page.goto(f"{live_server.url}/o/acme/people/import/")
    page.set_input_files("input[type=file]", str(csv))
    page.get_by_role("button", name=re.compile("Upload|Preview|Check")).click()
    page.get_by_role("button", name="Import all rows").click()
    expect(page.get_by_role("heading", name="Invite the 2 imported people who have no account yet?")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "import-invite")
    at_phone_size(page, "import-invite")
    page.get_by_role("button", name="Send 2 invitations").click()
    expect(page.get_by_text("Invitations sent to 2 people.")).to_be_visible()
    assert set(Invitation.objects.values_list("email", flat=True)) == {"ada@acme.test", "grace@acme.test"}

    page.goto(f"{live_server.url}/o/acme/audit/?action=people")
    expect(page.get_by_text("Invited: 2")).to_be_visible()
    expect(page.get_by_text("Create: 2")).to_be_visible()
    assert_accessible(page)


def test_a_platform_admin_creates_an_organization_for_someone_without_an_account(page: Page, live_server, world: World):
    from allauth.account.models import EmailAddress

    root = User.objects.create_superuser(email="root@platform.test", password=PASSWORD)
    EmailAddress.objects.create(user=root, email=root.email, verified=True, primary=True)
    login(page, live_server, "root@platform.test")
    page.get_by_role("link", name="Create an organization").click()
    page.get_by_role("textbox", name="Name:", exact=True).fill("Initech")
    page.get_by_label("First admin's email").fill("boss@initech.test")
    page.get_by_role("button", name="Create organization").click()
    expect(page.get_by_text("boss@initech.test has no account yet")).to_be_visible()
    expect(page.get_by_role("link", name="Create an organization")).to_be_visible()  # the way back
    assert Invitation.objects.get(email="boss@initech.test").role == "admin"
    assert_accessible(page)
