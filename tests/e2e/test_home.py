"""Home pages by role in a real browser, with real pending items: a mentee, a mentor and a
coordinator each see what waits on them and can act on it; axe-clean; no sideways scroll at 390 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mentora.feedback.models import CheckIn
from mentora.goals.models import Goal, Milestone
from mentora.matching.models import MentorshipRequest
from mentora.meetings.services import book_meeting
from mentora.mentorships.agreements import propose_agreement
from mentora.mentorships.models import Mentorship
from mentora.mentorships.services import create_mentorship
from mentora.programs.models import MatchingMode
from tests.conftest import World
from tests.e2e.conftest import assert_accessible, login, screenshot
from tests.factories import EnrollmentFactory, MembershipFactory, ProgramFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _name(membership, full_name: str) -> None:
    membership.user.full_name = full_name
    membership.user.save(update_fields=["full_name"])


def demo_like(world: World) -> None:
    """Real pending items for the world's mentee (Amara), mentor (Chloé) and coordinator."""
    today, now = timezone.localdate(), timezone.now()
    _name(world.mentee, "Amara Nwosu")
    _name(world.mentor, "Chloé Okafor")
    _name(world.coordinator, "Dana Whitfield")
    _name(world.member, "Felix Kapoor")
    # Amara's mentorship with Chloé: an agreement to confirm, a milestone due, a check-in, a meeting now.
    propose_agreement(mentorship=world.mentorship, author=world.mentor, mentee_wants="Confidence presenting",
                      cadence="biweekly", session_minutes=45, channels=["video"], response_time="two_days",
                      boundaries="What we say stays between us.", feedback_how="At the end of each session",
                      ends_on=today + timedelta(days=90))
    goal = Goal.objects.create(mentorship=world.mentorship, owner=world.mentee, title="Give a talk at the all-hands",
                               description="A ten minute talk", measure="Talk given", achievable="Two months",
                               relevance="I want to lead", target_on=today + timedelta(days=45))
    Milestone.objects.create(goal=goal, title="Outline ready", due_on=today + timedelta(days=2))
    Milestone.objects.create(goal=goal, title="Pick a topic", due_on=today - timedelta(days=5), done_at=now)
    CheckIn.objects.create(mentorship=world.mentorship, respondent=world.mentee, sequence=1, due_on=today, sent_at=now)
    book_meeting(mentorship=world.mentorship, booked_by=world.mentor.user, starts_at=now + timedelta(minutes=5),
                 duration_minutes=45)
    # A second, self-select program: Felix asks Chloé to mentor him; Amara is approved there too.
    program = ProgramFactory(organization=world.org, name="Women in Tech Leadership",
                             matching_mode=MatchingMode.SELF_SELECT)
    EnrollmentFactory(program=program, membership=world.mentor, role="mentor", capacity=3)
    EnrollmentFactory(program=program, membership=world.member, role="mentee", status="approved")
    MentorshipRequest.objects.create(program=program, mentee=world.member, mentor=world.mentor,
                                     message="I'd love your help preparing for my first lead role.")
    # Coordinator: applications, an unmatched mentee, a quiet pair with a flag.
    for name in ("Jonas Berg", "Priya Raman"):
        applicant = MembershipFactory(organization=world.org, user__full_name=name)
        EnrollmentFactory(program=world.program, membership=applicant, role="mentee", status="applied")
    waiting = MembershipFactory(organization=world.org, user__full_name="Leo Marchetti")
    EnrollmentFactory(program=world.program, membership=waiting, role="mentee", status="approved")
    quiet_mentor = MembershipFactory(organization=world.org, user__full_name="Sofia Lindqvist")
    quiet_mentee = MembershipFactory(organization=world.org, user__full_name="Tomás Herrera")
    EnrollmentFactory(program=program, membership=quiet_mentor, role="mentor", capacity=2)
    EnrollmentFactory(program=program, membership=quiet_mentee, role="mentee", status="approved")
    quiet = create_mentorship(program=program, members=[(quiet_mentor, "mentor"), (quiet_mentee, "mentee")],
                              created_by=world.coordinator.user)
    Mentorship.objects.filter(pk=quiet.pk).update(started_on=today - timedelta(days=40))
    CheckIn.objects.create(mentorship=quiet, respondent=quiet_mentee, sequence=1, due_on=today, sent_at=now,
                           answered_at=now, going_well=2, usefulness=2, meeting_regularly=False,
                           flag_to_coordinator="We have not managed to meet yet.")
    world.mentee_enrollment.status = "approved"
    world.mentee_enrollment.save(update_fields=["status"])


def check_phone(page: Page, name: str) -> None:
    """At 390 px: nothing scrolls sideways, and axe is still clean."""
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "sideways scroll at 390 px"
    assert_accessible(page)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_mentee_sees_what_waits_on_them_and_joins_the_meeting(page: Page, live_server, world: World):
    demo_like(world)
    login(page, live_server, "mentee@acme.test")
    page.goto(f"{live_server.url}/o/acme/")
    waiting = page.get_by_role("region", name="Waiting on you")
    expect(waiting).to_contain_text("Chloé Okafor proposed your mentorship agreement. Read it and confirm.")
    expect(waiting).to_contain_text("How is it going with Chloé Okafor?")
    expect(waiting).to_contain_text("The milestone “Outline ready” (goal “Give a talk at the all-hands”) is due in 2 days.")
    expect(page.get_by_role("region", name="Your meeting is starting")).to_contain_text("With Chloé Okafor")
    card = page.locator(".mentorship-card").first
    expect(card).to_contain_text("Chloé Okafor")
    expect(card).to_contain_text("0 of 1 goal achieved")
    expect(card.locator(".avatar")).to_have_text("CO")
    assert_accessible(page)
    screenshot(page, "home-mentee")
    check_phone(page, "home-mentee")

    page.get_by_role("link", name="Join now").click()
    expect(page).to_have_url(f"{live_server.url}/o/acme/meetings/{world.mentorship.meetings.get().pk}/room/")
    page.goto(f"{live_server.url}/o/acme/")
    page.get_by_role("link", name="Read and confirm").click()
    page.get_by_role("button", name="Confirm").first.click()
    page.goto(f"{live_server.url}/o/acme/")
    expect(page.get_by_role("region", name="Waiting on you")).not_to_contain_text("Read it and confirm")
    expect(page.locator(".moment-list")).to_contain_text("Your agreement with Chloé Okafor is confirmed")
    assert_accessible(page)


def test_a_mentor_answers_a_request_from_the_home_page_and_sees_their_load(page: Page, live_server, world: World):
    demo_like(world)
    login(page, live_server, "mentor@acme.test")
    page.goto(f"{live_server.url}/o/acme/")
    waiting = page.get_by_role("region", name="Waiting on you")
    expect(waiting).to_contain_text("Felix Kapoor asked you to be their mentor in Women in Tech Leadership.")
    load = page.get_by_role("region", name="Your mentoring load")
    expect(load).to_contain_text("Career Growth")
    expect(load).to_contain_text("1 of 2 places taken — 1 free")
    expect(page.locator(".mentorship-card").first).to_contain_text("Amara Nwosu")
    assert_accessible(page)
    screenshot(page, "home-mentor")
    check_phone(page, "home-mentor")

    waiting.locator('[data-kind="request.answer"]').get_by_role("link", name="Answer").click()
    expect(page).to_have_url(f"{live_server.url}/o/acme/requests/#req-{MentorshipRequest.objects.get().pk}")
    assert_accessible(page)


def test_a_coordinator_sees_program_health_and_goes_to_the_applications(page: Page, live_server, world: World):
    demo_like(world)
    login(page, live_server, "coord@acme.test")
    page.goto(f"{live_server.url}/o/acme/")
    waiting = page.get_by_role("region", name="Waiting on you as coordinator")
    expect(waiting).to_contain_text("2 applications to Career Growth wait for your decision.")
    expect(waiting).to_contain_text("1 pair in Women in Tech Leadership has not met for three weeks")
    card = page.locator(".program-card", has_text="Career Growth")
    expect(card).to_contain_text("1 of 2 matched")
    expect(page.locator(".program-card", has_text="Women in Tech Leadership")).to_contain_text("1 quiet pair")
    assert_accessible(page)
    screenshot(page, "home-coordinator")
    check_phone(page, "home-coordinator")

    card.get_by_role("link", name="Decide on 2 applications").click()
    expect(page).to_have_url(f"{live_server.url}/o/acme/programs/{world.program.pk}/enrollments/?status=applied")
    expect(page.get_by_role("link", name="Jonas Berg")).to_be_visible()
    assert_accessible(page)


def test_someone_new_is_offered_a_program_to_join(page: Page, live_server, world: World):
    login(page, live_server, "member@acme.test")
    page.goto(f"{live_server.url}/o/acme/")
    expect(page.get_by_text("No mentorship yet")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "home-newcomer")
    check_phone(page, "home-newcomer")
    page.get_by_role("link", name="Browse 1 open program").click()
    expect(page).to_have_url(f"{live_server.url}/o/acme/programs/")
