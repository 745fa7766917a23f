"""Matching in the browser: the coordinator tunes, runs, previews, adjusts and publishes; a mentee
finds a mentor alone; requests expire; peer rounds never repeat; circles form. axe on every page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mentora.matching.models import MatchRun, MentorshipRequest
from mentora.matching.requests import expire_requests
from mentora.mentorships.models import Mentorship, MentorshipMember
from mentora.mentorships.services import transition_mentorship
from mentora.profiles.models import AvailabilitySlot, ProfileSkill, Skill
from tests.conftest import World
from tests.e2e.conftest import assert_accessible, login, screenshot
from tests.factories import EnrollmentFactory, MembershipFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.e2e


def person(world: World, email: str, *, offered: tuple[str, ...] = (), wanted: tuple[str, ...] = (), level: int = 4,
           department: str = "Engineering", tz: str = "Europe/Paris", start_hour: int = 10):  # type: ignore[no-untyped-def]
    membership = MembershipFactory(organization=world.org, user=UserFactory(email=email, full_name=email.split("@")[0].title()))
    profile = membership.profile
    profile.level, profile.department, profile.timezone, profile.goals = level, department, tz, "Become a better leader"
    profile.save()
    for name in offered:
        ProfileSkill.objects.create(profile=profile, skill=Skill.objects.get(name=name, organization__isnull=True), direction="offered", level=3)
    for name in wanted:
        ProfileSkill.objects.create(profile=profile, skill=Skill.objects.get(name=name, organization__isnull=True), direction="wanted", level=1)
    AvailabilitySlot.objects.create(profile=profile, weekday=2, start_minute=start_hour * 60, end_minute=(start_hour + 3) * 60)
    return membership


def publish(page: Page, *, check: bool = False) -> None:
    """Review the summary of what publishing does, then confirm it (axe-checked when asked)."""
    page.get_by_role("link", name="Review and publish these matches…").click()
    expect(page.get_by_role("heading", name="What publishing does")).to_be_visible()
    if check:
        assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"^Publish \d+ match")).click()


def enroll(program, mentors, mentees, *, capacity: int) -> None:  # type: ignore[no-untyped-def]
    """Approved enrolments: the mentors with `capacity` places each, and the mentees."""
    for m in mentors:
        EnrollmentFactory(program=program, membership=m, role="mentor", capacity=capacity)
    for m in mentees:
        EnrollmentFactory(program=program, membership=m, role="mentee")

def test_a_coordinator_tunes_runs_previews_adjusts_and_publishes(page: Page, live_server, world: World, skills):
    program = ProgramFactory(organization=world.org, name="Leadership Pilot")
    mentors = [person(world, f"lead{i}@acme.test", offered=(s,), level=8, department="Sales", tz="America/Toronto", start_hour=4)
               for i, s in enumerate(("Public speaking", "Negotiation"))]
    mentees = [person(world, f"new{i}@acme.test", wanted=(s,)) for i, s in enumerate(("Public speaking", "Negotiation", "Public speaking"))]
    enroll(program, mentors, mentees, capacity=2)

    login(page, live_server, "coord@acme.test")
    page.goto(f"{live_server.url}/o/acme/programs/{program.pk}/")
    page.get_by_role("link", name="Matching", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Matching settings").click()
    page.get_by_label("Shared availability", exact=True).fill("4")
    page.get_by_label("Raise the worst-off match first").check()
    assert_accessible(page)
    screenshot(page, "matching-settings")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Matching settings saved.")).to_be_visible()

    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_role("heading", name="What-if preview")).to_be_visible()
    expect(page.locator("#match-rate")).to_contain_text("3 / 3")
    expect(page.get_by_text("both want to work on public speaking").first).to_be_visible()
    expect(page.get_by_text("across Paris and Toronto").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "matching-preview")
    run = MatchRun.objects.get(program=program)
    assert run.settings_snapshot["objective"] == "fair" and run.settings_snapshot["weights"]["availability"] == 4.0

    # Remove one proposed match, with a reason; the engine re-optimises the rest.
    row = page.get_by_role("row").filter(has_text="New0")
    row.get_by_label("Reason (audited)").fill("They already work together")
    row.get_by_role("button", name=re.compile("^Remove")).click()
    expect(page.get_by_text("re-optimised")).to_be_visible()
    assert run.matches.filter(mentee=mentees[0], mentor=mentors[0]).count() == 0

    publish(page, check=True)
    expect(page.get_by_text(re.compile(r"Published: \d mentorships created"))).to_be_visible()
    assert_accessible(page)
    assert Mentorship.objects.filter(program=program, source="match_run").count() == run.matches.count()


def test_a_coordinator_marks_training_and_matches_only_trained_mentors(page: Page, live_server, world: World, skills):
    program = ProgramFactory(organization=world.org, name="Certified Mentors")
    mentors = [person(world, f"coach{i}@acme.test", offered=("Negotiation",), level=8) for i in range(2)]
    mentees = [person(world, f"learner{i}@acme.test", wanted=("Negotiation",)) for i in range(2)]
    enroll(program, mentors, mentees, capacity=1)

    login(page, live_server, "coord@acme.test")
    page.goto(f"{live_server.url}/o/acme/programs/{program.pk}/enrollments/?role=mentor")
    page.get_by_role("button", name="Mark training completed for Coach0").click()
    expect(page.get_by_text("Coach0 has completed the mentor training.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Coach0").get_by_text("Training completed")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Coach1").get_by_text("Training not completed")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/o/acme/programs/{program.pk}/matching/settings/")
    page.get_by_label("Mentors must have completed training").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Matching settings saved.")).to_be_visible()
    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_role("heading", name="What-if preview")).to_be_visible()
    expect(page.locator("#match-rate")).to_contain_text("1 / 2")
    expect(page.get_by_text("Not enough places with mentors who have completed the training")).to_be_visible()
    assert_accessible(page)
    run = MatchRun.objects.get(program=program)
    assert [m.mentor_id for m in run.matches.all()] == [mentors[0].pk]


def test_a_mentee_finds_a_mentor_and_the_mentor_accepts(page: Page, live_server, world: World, skills):
    program = ProgramFactory(organization=world.org, name="Open Mentoring", matching_mode="self_select")
    mentor = person(world, "guide@acme.test", offered=("Negotiation",), level=8, department="Sales")
    mentee = person(world, "seeker@acme.test", wanted=("Negotiation",))
    EnrollmentFactory(program=program, membership=mentor, role="mentor", capacity=1)
    EnrollmentFactory(program=program, membership=mentee, role="mentee")

    login(page, live_server, "seeker@acme.test")
    page.goto(f"{live_server.url}/o/acme/programs/{program.pk}/")
    page.get_by_role("link", name="Find a mentor").click()
    expect(page.get_by_text("both want to work on negotiation")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "suggestions")
    page.get_by_text("Ask Guide").click()
    page.get_by_label("Message to the mentor").fill("Hi! I'd love your help preparing for a big negotiation.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Request sent to Guide.")).to_be_visible()

    page.context.clear_cookies()
    login(page, live_server, "guide@acme.test")
    page.goto(f"{live_server.url}/o/acme/requests/")
    expect(page.get_by_text("I'd love your help")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Answer sent.")).to_be_visible()
    assert MentorshipMember.objects.filter(program=program, membership=mentee, role="mentee", is_open=True).exists()
    page.goto(f"{live_server.url}/o/acme/mentorships/")
    expect(page.get_by_role("link", name=re.compile("Seeker"))).to_be_visible()
    assert_accessible(page)


def test_an_unanswered_request_expires_and_the_mentee_is_told(page: Page, live_server, world: World, skills):
    program = ProgramFactory(organization=world.org, name="Quiet Program", matching_mode="self_select")
    mentor = person(world, "busy@acme.test", offered=("SQL",))
    mentee = person(world, "waiting@acme.test", wanted=("SQL",))
    EnrollmentFactory(program=program, membership=mentor, role="mentor", capacity=1)
    EnrollmentFactory(program=program, membership=mentee, role="mentee")
    MentorshipRequest.objects.create(program=program, mentee=mentee, mentor=mentor, message="Hello?",
                                     expires_at=timezone.now() - timedelta(minutes=1))
    assert expire_requests() == 1

    login(page, live_server, "waiting@acme.test")
    page.goto(f"{live_server.url}/o/acme/requests/")
    expect(page.get_by_text("Expired")).to_be_visible()
    page.get_by_role("link", name=re.compile("Notifications")).click()
    expect(page.get_by_text("Your request to Busy expired without an answer")).to_be_visible()
    assert_accessible(page)


def test_a_peer_round_runs_twice_without_repeating_a_pair(page: Page, live_server, world: World, skills):
    program = ProgramFactory(organization=world.org, name="Peer Coffee", form="peer", roles_offered=["peer"])
    peers = [person(world, f"peer{i}@acme.test", department=d) for i, d in enumerate("ABCD")]
    for p in peers:
        EnrollmentFactory(program=program, membership=p, role="peer")
    login(page, live_server, "coord@acme.test")

    def run_round() -> set[frozenset[int]]:
        page.goto(f"{live_server.url}/o/acme/programs/{program.pk}/matching/")
        page.get_by_role("button", name="Run matching").click()
        expect(page.locator("#match-rate")).to_contain_text("4 / 4")
        publish(page)
        expect(page.get_by_text(re.compile("Published: 2 mentorships"))).to_be_visible()
        run = MatchRun.objects.filter(program=program).order_by("-pk").first()
        assert run is not None
        return {frozenset((p.mentee_id, p.mentor_id)) for p in run.matches.all()}

    first = run_round()
    assert_accessible(page)
    for mentorship in Mentorship.objects.filter(program=program):
        transition_mentorship(mentorship=mentorship, to_status="completed", actor=world.coordinator.user)
    second = run_round()
    assert len(second) == 2 and not (first & second)


def test_a_circle_is_formed_and_published(page: Page, live_server, world: World, skills):
    program = ProgramFactory(organization=world.org, name="AI Circles", form="circle", circle_size_min=2, circle_size_max=4)
    lead = person(world, "facilitator@acme.test", offered=("Prompt engineering",), level=8)
    members = [person(world, f"learner{i}@acme.test", wanted=("Prompt engineering",)) for i in range(3)]
    EnrollmentFactory(program=program, membership=lead, role="mentor", capacity=4)
    for m in members:
        EnrollmentFactory(program=program, membership=m, role="mentee")
    login(page, live_server, "coord@acme.test")
    page.goto(f"{live_server.url}/o/acme/programs/{program.pk}/matching/")
    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_role("heading", name="Circles", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"3 members · topic"))).to_be_visible()
    assert_accessible(page)
    publish(page)
    expect(page.get_by_text("Published: 1 mentorship created")).to_be_visible()
    circle = Mentorship.objects.get(program=program)
    assert circle.kind == "circle" and len(circle.active_members()) == 4
