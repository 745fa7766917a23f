"""Mentorships: the state machine, capacity in the database, one open mentorship per mentee."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.urls import reverse

from mentora.core.errors import Conflict, DomainError
from mentora.mentorships.models import MentorshipMember, MentorshipTransition
from mentora.mentorships.services import (
    AlreadyMatched,
    CapacityExhausted,
    create_mentorship,
    transition_mentorship,
)
from mentora.programs.models import Enrollment
from tests.factories import EnrollmentFactory, MembershipFactory


def test_creating_a_pair_claims_a_mentor_seat(world):
    world.mentor_enrollment.refresh_from_db()
    assert world.mentor_enrollment.assigned == 1
    assert world.mentorship.status == "active" and world.mentorship.started_on is not None
    assert list(world.mentorship.transitions.values_list("to_status", flat=True)) == ["active"]


def test_a_mentor_at_capacity_cannot_take_another_mentee(world):
    second = MembershipFactory(organization=world.org)
    create_mentorship(program=world.program, members=[(world.mentor, "mentor"), (second, "mentee")], created_by=None)
    third = MembershipFactory(organization=world.org)
    with pytest.raises(CapacityExhausted):
        create_mentorship(program=world.program, members=[(world.mentor, "mentor"), (third, "mentee")], created_by=None)
    assert Enrollment.objects.get(pk=world.mentor_enrollment.pk).assigned == 2


def test_the_database_refuses_assignments_beyond_capacity(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.filter(pk=world.mentor_enrollment.pk).update(assigned=3)


def test_a_mentee_has_one_open_mentorship_per_program(world):
    other_mentor = MembershipFactory(organization=world.org)
    EnrollmentFactory(program=world.program, membership=other_mentor, role="mentor", capacity=2)
    with pytest.raises(AlreadyMatched):
        create_mentorship(program=world.program, members=[(other_mentor, "mentor"), (world.mentee, "mentee")], created_by=None)
    # …and the failed attempt released nothing it had not taken: the whole call rolled back.
    assert Enrollment.objects.get(membership=other_mentor).assigned == 0
    from mentora.mentorships.models import Mentorship

    second = Mentorship.objects.create(program=world.program, status="active")
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorshipMember.objects.create(mentorship=second, membership=world.mentee, role="mentee", program=world.program)


def test_shapes_are_checked(world):
    with pytest.raises(DomainError):
        create_mentorship(program=world.program, members=[(world.mentor, "mentor")], created_by=None)
    with pytest.raises(DomainError):
        create_mentorship(program=world.program, members=[(world.mentor, "mentor"), (world.outsider, "mentee")], created_by=None)


@pytest.mark.parametrize(("path", "legal"), [
    (["paused", "active", "completed"], True),
    (["ended_early"], True),
    (["completed", "active"], False),
    (["ended_early", "paused"], False),
])
def test_only_legal_transitions_happen(world, path, legal):
    mentorship = world.mentorship
    *steps, last = path
    for status in steps:
        mentorship = transition_mentorship(mentorship=mentorship, to_status=status, actor=world.mentor.user)
    if legal:
        mentorship = transition_mentorship(mentorship=mentorship, to_status=last, actor=world.mentor.user)
        assert mentorship.status == last
    else:
        with pytest.raises(Conflict):
            transition_mentorship(mentorship=mentorship, to_status=last, actor=world.mentor.user)
    assert MentorshipTransition.objects.filter(mentorship=mentorship).count() == len(path) + (1 if legal else 0)


def test_ending_releases_the_seat_and_frees_the_mentee(world):
    transition_mentorship(mentorship=world.mentorship, to_status="ended_early", actor=world.mentee.user, reason="not a fit")
    assert Enrollment.objects.get(pk=world.mentor_enrollment.pk).assigned == 0
    other_mentor = MembershipFactory(organization=world.org)
    EnrollmentFactory(program=world.program, membership=other_mentor, role="mentor", capacity=1)
    create_mentorship(program=world.program, members=[(other_mentor, "mentor"), (world.mentee, "mentee")], created_by=None)


def test_the_database_keeps_one_state_at_a_time(world):
    from mentora.mentorships.models import Mentorship

    with pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.filter(pk=world.mentorship.pk).update(status="completed")  # closed without an end time


def test_a_no_fault_exit_keeps_the_reason_from_the_other_side(world, as_mentee):
    url = reverse("mentorships:transition", args=["acme", world.mentorship.pk])
    as_mentee.post(url, {"to_status": "ended_early", "reason": "We never click", "is_reason_private": "on"})
    from tests.conftest import client_for

    mentor_page = client_for(world.mentor).get(reverse("mentorships:home", args=["acme", world.mentorship.pk])).content.decode()
    coordinator_page = client_for(world.coordinator).get(reverse("mentorships:home", args=["acme", world.mentorship.pk])).content.decode()
    assert "We never click" not in mentor_page
    assert "We never click" in coordinator_page


def test_members_cannot_complete_or_reopen_on_their_own(world, as_mentee):
    url = reverse("mentorships:transition", args=["acme", world.mentorship.pk])
    assert as_mentee.post(url, {"to_status": "completed"}).status_code == 404
    world.mentorship.refresh_from_db()
    assert world.mentorship.status == "active"


def _concurrently(n: int, work) -> list[BaseException | None]:
    barrier = threading.Barrier(n)
    outcomes: list[BaseException | None] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as error:
            outcomes[i] = error
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_matches_never_exceed_capacity():
    """Ten threads race for a mentor with capacity 3: exactly three succeed (SQLite and PostgreSQL)."""
    from tests.factories import OrganizationFactory, ProgramFactory

    org = OrganizationFactory()
    program = ProgramFactory(organization=org)
    mentor = MembershipFactory(organization=org)
    enrollment = EnrollmentFactory(program=program, membership=mentor, role="mentor", capacity=3)
    mentees = [MembershipFactory(organization=org) for _ in range(10)]

    def work(i: int) -> None:
        create_mentorship(program=program, members=[(mentor, "mentor"), (mentees[i], "mentee")], created_by=None)

    outcomes = _concurrently(10, work)
    succeeded = [o for o in outcomes if o is None]
    assert len(succeeded) == 3, (connection.vendor, outcomes)
    assert all(isinstance(o, CapacityExhausted) for o in outcomes if o is not None), outcomes
    enrollment.refresh_from_db()
    assert enrollment.assigned == 3


def test_an_early_end_tells_the_other_side_and_the_coordinator_privately(world):
    from mentora.notifications.models import Notification

    transition_mentorship(mentorship=world.mentorship, to_status="ended_early", actor=world.mentee.user,
                          reason="Our schedules never line up", is_reason_private=True)
    to_mentor = Notification.objects.get(recipient=world.mentor.user, kind="mentorship.ended_early")
    assert "Our schedules" not in to_mentor.body
    to_coordinator = Notification.objects.get(recipient=world.coordinator.user, kind="mentorship.ended_early")
    assert to_coordinator.body == "Our schedules never line up"
    assert not Notification.objects.filter(recipient=world.mentee.user, kind="mentorship.ended_early").exists()
