"""List pages run a fixed number of queries, however many rows they show (no N+1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import World, client_for
from tests.factories import EnrollmentFactory, MembershipFactory, ProgramFactory


def grow(world: World, n: int) -> None:
    """Add n people, n programs and n enrolments to Acme."""
    for _ in range(n):
        person = MembershipFactory(organization=world.org)
        program = ProgramFactory(organization=world.org)
        EnrollmentFactory(program=world.program, membership=person, role="mentee", status="applied")
        EnrollmentFactory(program=program, membership=person, role="mentee")


def count_queries(get: Callable[[], object]) -> int:
    cache.clear()  # the badges' counts are cached: count every page as its first view
    with CaptureQueriesContext(connection) as captured:
        response = get()
    assert response.status_code == 200  # type: ignore[attr-defined]
    return len(captured)


PAGES = [
    ("coordinator", "accounts:people", lambda w: ["acme"]),
    ("coordinator", "programs:list", lambda w: ["acme"]),
    ("coordinator", "programs:enrollments", lambda w: ["acme", w.program.pk]),
    ("coordinator", "core:dashboard", lambda w: ["acme"]),
    ("member", "programs:list", lambda w: ["acme"]),
    ("member", "core:dashboard", lambda w: ["acme"]),
    ("admin", "core:audit_log", lambda w: ["acme"]),
    ("member", "profiles:edit", lambda w: ["acme"]),
]


@pytest.mark.parametrize(("role", "name", "args"), PAGES, ids=[f"{r}:{n}" for r, n, _ in PAGES])
def test_list_pages_do_not_grow_with_rows(world: World, role: str, name: str, args) -> None:
    client = client_for(getattr(world, role))
    url = reverse(name, args=args(world))
    grow(world, 3)
    small = count_queries(lambda: client.get(url))
    grow(world, 15)
    large = count_queries(lambda: client.get(url))
    assert large == small, f"{name}: {small} queries with few rows, {large} with more"
    assert small <= 25


def test_the_api_program_list_does_not_grow_with_rows(world: World) -> None:
    client = client_for(world.coordinator)
    grow(world, 3)
    small = count_queries(lambda: client.get("/api/orgs/acme/programs"))
    grow(world, 15)
    assert count_queries(lambda: client.get("/api/orgs/acme/programs")) == small


def grow_home(world: World, n: int) -> None:
    """Give the world's mentor and mentee n more of everything the home page shows: mentorships with
    agreements, goals, milestones, quizzes, check-ins, reviews, meetings and requests, and the
    coordinator n more programs with enrolments, pairs and flags."""
    from datetime import timedelta

    from django.utils import timezone

    from mentora.feedback.models import CheckIn
    from mentora.goals.models import Goal, Milestone, MilestoneReview
    from mentora.matching.models import MentorshipRequest
    from mentora.meetings.services import book_meeting
    from mentora.mentorships.agreements import propose_agreement
    from mentora.mentorships.services import create_mentorship
    from tests.relationship_fixtures import quiz_of

    today, now = timezone.localdate(), timezone.now()
    quiz = quiz_of(world)
    for _ in range(n):
        mentee, other_mentor = MembershipFactory(organization=world.org), MembershipFactory(organization=world.org)
        program = ProgramFactory(organization=world.org, matching_mode="self_select")
        EnrollmentFactory(program=program, membership=world.mentor, role="mentor", capacity=3)
        EnrollmentFactory(program=program, membership=other_mentor, role="mentor", capacity=3)
        EnrollmentFactory(program=program, membership=world.mentee, role="mentee", status="approved")
        EnrollmentFactory(program=program, membership=mentee, role="mentee", status="applied")
        for mentor, person in ((world.mentor, mentee), (other_mentor, world.mentee)):
            ship = create_mentorship(program=program, members=[(mentor, "mentor"), (person, "mentee")], created_by=None)
            propose_agreement(mentorship=ship, author=mentor, mentee_wants="Grow", cadence="biweekly", session_minutes=60,
                              channels=["video"], response_time="two_days", boundaries="Private", feedback_how="Often",
                              ends_on=today + timedelta(days=90))
            goal = Goal.objects.create(mentorship=ship, owner=person, title="Goal", description="d", measure="m",
                                       achievable="a", relevance="r", target_on=today - timedelta(days=1))
            milestone = Milestone.objects.create(goal=goal, title="Step", due_on=today + timedelta(days=2), quiz=quiz)
            for member in (mentor, person):
                CheckIn.objects.create(mentorship=ship, respondent=member, sequence=1, due_on=today, sent_at=now,
                                       flag_to_coordinator="")
                MilestoneReview.objects.create(milestone=milestone, respondent=member, due_on=today, sent_at=now)
            book_meeting(mentorship=ship, booked_by=mentor.user, starts_at=now + timedelta(days=3, hours=3 * ship.pk))
        MentorshipRequest.objects.create(program=program, mentee=MembershipFactory(organization=world.org),
                                         mentor=world.mentor, message="Hello")


@pytest.mark.parametrize("role", ["mentee", "mentor", "coordinator", "member"])
def test_the_home_page_does_not_grow_with_mentorships_meetings_or_requests(world: World, role: str) -> None:
    client = client_for(getattr(world, role))
    url = reverse("core:dashboard", args=["acme"])
    grow_home(world, 2)
    small = count_queries(lambda: client.get(url))
    grow_home(world, 6)
    large = count_queries(lambda: client.get(url))
    print(f"home page as {role}: {small} queries with 2 rounds of rows, {large} with 8")
    assert large == small, f"home page as {role}: {small} queries with few rows, {large} with more"
    assert small <= 40
    page = client.get(url).content.decode()
    if role in ("mentee", "mentor"):  # the growth really is on the page
        assert page.count('class="card mentorship-card"') >= 8 and page.count("data-kind=") >= 8 * 3
    if role == "coordinator":
        assert page.count('class="card program-card') >= 8


def test_the_filtered_enrolment_review_and_its_bulk_summary_do_not_grow_with_rows(world: World) -> None:
    """Status tabs with counts, search and role filters, and the confirmation of a bulk decision."""
    client = client_for(world.coordinator)
    review = reverse("programs:enrollments", args=["acme", world.program.pk]) + "?status=applied&role=mentee&q=e"
    decide = reverse("programs:enrollments_decide", args=["acme", world.program.pk])

    def summary() -> object:
        ids = list(world.program.enrollments.filter(status="applied").values_list("pk", flat=True))
        return client.post(decide, {"enrollment": ids, "decision": "approve"})

    grow(world, 3)
    client.get(review)  # the first visit stores the filters in the session; later ones only read them
    small_review, small_summary = count_queries(lambda: client.get(review)), count_queries(summary)
    grow(world, 15)
    assert count_queries(lambda: client.get(review)) == small_review
    assert count_queries(summary) == small_summary
    assert small_review <= 25 and small_summary <= 15


def test_the_conversation_page_does_not_grow_with_messages_or_members(world: World) -> None:
    """bench/load.py measured it at 29 queries: each member's membership and user were fetched one by
    one for the title and the block buttons, and the mentorship twice."""
    from mentora.messaging import services

    conversation = services.conversation_for(world.mentorship)
    client = client_for(world.mentee)
    url = reverse("messaging:conversation", args=["acme", world.mentorship.pk])
    for n in range(3):
        services.post_message(conversation=conversation, author=world.mentor.user, body=f"hello {n}")
    client.get(url)  # the first visit also creates the read marker
    small = count_queries(lambda: client.get(url))
    for n in range(15):
        services.post_message(conversation=conversation, author=world.mentor.user, body=f"more {n}")
    world.mentorship.members.create(membership=MembershipFactory(organization=world.org), role="mentee",
                                    program=world.program)
    large = count_queries(lambda: client.get(url))
    assert large == small, f"{small} queries with few messages and two members, {large} with more"
    assert small <= 20
