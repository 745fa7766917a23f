"""The cross-program load cap (issue 14, item 10): "most mentees per mentor across all programs"
holds wherever a place is taken — a manual match, an accepted request, a published run — and under
concurrency, on SQLite and PostgreSQL, not only in coordinator runs."""

from __future__ import annotations

import pytest
from django.db import connection

from mentora.matching import requests as mentorship_requests
from mentora.matching.models import MatchingSettings
from mentora.matching.snapshot import settings_for
from mentora.mentorships.services import CapacityExhausted, LoadCapReached, create_mentorship
from mentora.programs.models import Enrollment
from tests.factories import EnrollmentFactory, MembershipFactory, OrganizationFactory, ProgramFactory
from tests.test_mentorships import _concurrently


def _two_programs(cap: int = 2):
    org = OrganizationFactory()
    first, second = ProgramFactory(organization=org, name="First"), ProgramFactory(organization=org, name="Second")
    for program in (first, second):
        MatchingSettings.objects.update_or_create(program=program, defaults={"mentor_load_cap": cap})
    mentor = MembershipFactory(organization=org)
    for program in (first, second):
        EnrollmentFactory(program=program, membership=mentor, role="mentor", capacity=3)
    mentees = [MembershipFactory(organization=org) for _ in range(6)]
    for mentee in mentees:
        for program in (first, second):
            EnrollmentFactory(program=program, membership=mentee, role="mentee")
    return first, second, mentor, mentees


def _match(program, mentor, mentee):
    return create_mentorship(program=program, members=[(mentor, "mentor"), (mentee, "mentee")], created_by=None)


@pytest.mark.django_db
def test_a_mentor_at_the_cap_in_other_programs_takes_no_more_here() -> None:
    first, second, mentor, mentees = _two_programs(cap=2)
    _match(second, mentor, mentees[0])
    _match(first, mentor, mentees[1])  # 2 across programs: at the cap, though First offers 3 places
    with pytest.raises(LoadCapReached) as refused:
        _match(first, mentor, mentees[2])
    assert "already mentors 2 people across programs" in refused.value.message
    assert Enrollment.objects.get(program=first, membership=mentor).assigned == 1


@pytest.mark.django_db
def test_an_accepted_request_respects_the_cap(world) -> None:
    first, second, mentor, mentees = _two_programs(cap=1)
    first.matching_mode = "self_select"
    first.save()
    _match(second, mentor, mentees[0])
    matching = settings_for(first)
    request = mentorship_requests.send_request(program=first, mentee=mentees[1], mentor=mentor, message="Hi!",
                                               matching=matching)
    with pytest.raises(CapacityExhausted):
        mentorship_requests.respond_to_request(request=request, mentor=mentor, action="accept")
    request.refresh_from_db()
    assert request.status == "pending" and Enrollment.objects.get(program=first, membership=mentor).assigned == 0


@pytest.mark.django_db
def test_without_a_cap_only_each_programs_places_count() -> None:
    first, second, mentor, mentees = _two_programs(cap=2)
    MatchingSettings.objects.filter(program=first).update(mentor_load_cap=None)
    _match(second, mentor, mentees[0])
    _match(second, mentor, mentees[1])
    _match(first, mentor, mentees[2])  # Second is at 2, but First has no cap
    assert Enrollment.objects.get(program=first, membership=mentor).assigned == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_matches_in_two_programs_never_pass_the_cap() -> None:
    """Six threads, three per program, race for a mentor whose cap across programs is 2."""
    first, second, mentor, mentees = _two_programs(cap=2)

    def work(i: int) -> None:
        _match(first if i % 2 else second, mentor, mentees[i])

    outcomes = _concurrently(6, work)
    succeeded = [o for o in outcomes if o is None]
    assert len(succeeded) == 2, (connection.vendor, outcomes)
    assert all(isinstance(o, LoadCapReached) for o in outcomes if o is not None), outcomes
    total = sum(Enrollment.objects.filter(membership=mentor).values_list("assigned", flat=True))
    assert total == 2
