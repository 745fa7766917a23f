"""Irreversible bulk actions (publishing a run, starting a peer round) ask for confirmation first."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from mentora.matching.models import MatchRun
from mentora.mentorships.models import Mentorship
from mentora.notifications.models import Notification
from tests.factories import EnrollmentFactory, ProgramFactory
from tests.test_matching_product import _peer_pool, person, run_now


@pytest.fixture
def cohort(world):
    """A one-on-one program: 3 mentors (2 places each) and 5 mentees whose wishes fit them."""
    program = ProgramFactory(organization=world.org, name="Spring Cohort")
    skills = ["SQL", "Public speaking", "Python"]
    mentors = [person(world.org, department="Data", offered=[s], level=7) for s in skills]
    mentees = [person(world.org, wanted=[skills[i % 3]], level=3) for i in range(5)]
    for m in mentors:
        EnrollmentFactory(program=program, membership=m, role="mentor", capacity=2)
    for m in mentees:
        EnrollmentFactory(program=program, membership=m, role="mentee")
    return program, mentors, mentees


def _token(page: str) -> str:
    found = re.search(r'name="confirm" value="([0-9a-f]+)"', page)
    assert found, "the confirmation page carries a confirmation token"
    return found.group(1)


def test_publishing_shows_what_will_happen_and_a_post_without_confirmation_publishes_nothing(world, cohort, as_coordinator):
    program, _mentors, _mentees = cohort
    run = run_now(program, world.coordinator.user)
    url = reverse("matching:run_publish", args=["acme", program.pk, run.pk])

    response = as_coordinator.post(url)
    assert response.status_code == 302 and response["Location"].endswith(url)
    response = as_coordinator.post(url, {"confirm": "0000"})
    assert response.status_code == 302
    assert Mentorship.objects.filter(program=program).count() == 0
    assert not Notification.objects.filter(kind="matching.published").exists()
    run.refresh_from_db()
    assert run.status == "done"

    page = as_coordinator.get(url).content.decode()
    assert "Creates <strong>5 mentorships</strong>" in page
    assert "Notifies <strong>8 people</strong>" in page  # 5 mentees and their 3 mentors
    assert "Leaves nobody unmatched." in page
    first = run.matches.select_related("mentee__user").first()
    assert first is not None and first.mentee.user.display_name in page

    response = as_coordinator.post(url, {"confirm": _token(page)}, follow=True)
    assert "Published: 5 mentorships created" in response.content.decode()
    assert Mentorship.objects.filter(program=program).count() == 5


def test_a_confirmation_is_stale_once_the_run_changed(world, cohort, as_coordinator):
    """A coordinator confirms what they saw: if the proposals changed meanwhile, nothing is published."""
    from mentora.matching.services import remove_match

    program, _mentors, _mentees = cohort
    run = run_now(program, world.coordinator.user)
    url = reverse("matching:run_publish", args=["acme", program.pk, run.pk])
    token = _token(as_coordinator.get(url).content.decode())
    remove_match(run=run, proposal=run.matches.first(), removed_by=world.coordinator.user)
    as_coordinator.post(url, {"confirm": token})
    assert Mentorship.objects.filter(program=program).count() == 0


def test_the_publish_summary_names_who_stays_unmatched(world, cohort, as_coordinator):
    program, _mentors, _mentees = cohort
    extra = [person(world.org, wanted=["SQL"], level=3) for _ in range(2)]
    for m in extra:
        EnrollmentFactory(program=program, membership=m, role="mentee")
    run = run_now(program, world.coordinator.user)  # 7 mentees, 6 places
    page = as_coordinator.get(reverse("matching:run_publish", args=["acme", program.pk, run.pk])).content.decode()
    assert "Leaves <strong>1 person</strong> unmatched" in page
    left = MatchRun.objects.get(pk=run.pk).unmatched[0]["id"]
    from mentora.accounts.models import Membership

    assert Membership.objects.get(pk=int(left)).user.display_name in page


def test_the_next_peer_round_starts_only_after_confirming_its_summary(world, as_coordinator):
    from mentora.matching.rounds import pause_rounds, run_peer_round

    program, peers = _peer_pool(world, n=5)
    run_peer_round(program=program, started_by=world.coordinator.user)  # round one: 2 pairs, one left over
    pause_rounds(program=program, membership=peers[0], skip_next_only=True)
    url = reverse("matching:round_run", args=["acme", program.pk])
    before = Mentorship.objects.filter(program=program, status="active").count()

    response = as_coordinator.post(url)
    assert response.status_code == 302 and response["Location"].endswith(url)
    assert Mentorship.objects.filter(program=program, status="active").count() == before
    assert MatchRun.objects.filter(program=program).count() == 1

    page = as_coordinator.get(url).content.decode()
    assert f"Completes <strong>{before} current pairs</strong>" in page
    assert "Matches <strong>4 peers</strong> again" in page
    assert "Notifies up to <strong>4 people</strong>" in page
    assert "<strong>1 peer</strong> sits this round out" in page and peers[0].user.display_name in page

    as_coordinator.post(url, {"confirm": _token(page)})
    assert MatchRun.objects.filter(program=program).count() == 2
    assert Mentorship.objects.filter(program=program, status="completed").count() == before


def test_a_published_match_tells_each_person_who_they_meet_but_not_themselves(world, cohort):
    from mentora.matching.services import publish_run

    program, _mentors, _mentees = cohort
    run = run_now(program, world.coordinator.user)
    publish_run(run=run, published_by=world.coordinator.user)
    for notification in Notification.objects.filter(kind="matching.published").select_related("recipient"):
        assert notification.recipient.display_name not in notification.body


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # the page's badges are cached: count each page as a first view
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_confirmation_pages_run_a_fixed_number_of_queries(world, as_coordinator):
    from mentora.matching.rounds import run_peer_round

    program, _peers = _peer_pool(world, n=4)
    first = run_now(program, world.coordinator.user)
    round_url = reverse("matching:round_run", args=["acme", program.pk])
    small_publish = _queries(as_coordinator, reverse("matching:run_publish", args=["acme", program.pk, first.pk]))
    run_peer_round(program=program, started_by=world.coordinator.user)
    small_round = _queries(as_coordinator, round_url)
    for p in [person(world.org, department=d) for d in "GHIJKL"]:
        EnrollmentFactory(program=program, membership=p, role="peer")
    run_peer_round(program=program, started_by=world.coordinator.user)
    assert _queries(as_coordinator, round_url) == small_round
    for mentorship in Mentorship.objects.filter(program=program, status="active"):
        from mentora.mentorships.services import transition_mentorship

        transition_mentorship(mentorship=mentorship, to_status="completed", actor=world.coordinator.user)
    bigger = run_now(program, world.coordinator.user)
    assert bigger.matches.count() > first.matches.count()
    assert _queries(as_coordinator, reverse("matching:run_publish", args=["acme", program.pk, bigger.pk])) == small_publish


# --- Publishing through the API: the same two steps -----------------------------------------------

def _api_publish_url(program, run, org="acme"):
    return f"/api/orgs/{org}/programs/{program.pk}/match-runs/{run.pk}/publish"


def test_the_api_publish_summary_says_what_publishing_will_do(world, cohort, as_coordinator):
    program, mentors, mentees = cohort
    run = run_now(program, world.coordinator.user)
    summary = as_coordinator.get(_api_publish_url(program, run)).json()
    assert summary["kind"] == "pair" and summary["mentorships"] == 5 and summary["unmatched"] == 0
    assert summary["people_notified"] == 8
    assert summary["notified_member_ids"] == sorted(m.pk for m in [*mentors, *mentees])
    assert summary["already_matched_member_ids"] == []
    assert len(summary["confirmation"]) == 16
    assert Mentorship.objects.filter(program=program).count() == 0  # a summary changes nothing


def test_the_api_publishes_only_with_the_summarys_confirmation(world, cohort, as_coordinator):
    program, _mentors, _mentees = cohort
    run = run_now(program, world.coordinator.user)
    url = _api_publish_url(program, run)
    for body in ({}, {"confirmation": ""}, {"confirmation": "0000"}):
        response = as_coordinator.post(url, body, content_type="application/json")
        assert response.status_code == 409, body
        assert response.json()["field"] == "confirmation" and "Nothing was published" in response.json()["detail"]
    assert as_coordinator.post(url, content_type="application/json").status_code == 409  # no body at all
    assert Mentorship.objects.filter(program=program).count() == 0
    assert not Notification.objects.filter(kind="matching.published").exists()

    confirmation = as_coordinator.get(url).json()["confirmation"]
    response = as_coordinator.post(url, {"confirmation": confirmation}, content_type="application/json")
    assert response.status_code == 200
    created = response.json()["mentorship_ids"]
    assert len(created) == 5 and Mentorship.objects.filter(program=program).count() == 5
    # A retry with the same confirmation (a lost answer) creates nothing new and answers the same.
    again = as_coordinator.post(url, {"confirmation": confirmation}, content_type="application/json")
    assert again.status_code == 200 and sorted(again.json()["mentorship_ids"]) == sorted(created)


def test_an_api_confirmation_is_stale_once_the_run_was_edited(world, cohort, as_coordinator):
    """Any edit after the summary — even a pin that keeps the pairs as they were — makes it stale."""
    from mentora.matching.services import pin_match

    program, _mentors, _mentees = cohort
    run = run_now(program, world.coordinator.user)
    url = _api_publish_url(program, run)
    confirmation = as_coordinator.get(url).json()["confirmation"]
    kept = run.matches.first()
    pin_match(run=run, mentee_id=kept.mentee_id, mentor_id=kept.mentor_id, pinned_by=world.coordinator.user)
    response = as_coordinator.post(url, {"confirmation": confirmation}, content_type="application/json")
    assert response.status_code == 409
    assert Mentorship.objects.filter(program=program).count() == 0
    run.refresh_from_db()
    assert run.status == "done"
    fresh = as_coordinator.get(url).json()["confirmation"]
    assert fresh != confirmation
    assert as_coordinator.post(url, {"confirmation": fresh}, content_type="application/json").status_code == 200


def test_another_organizations_coordinator_finds_no_run_to_publish(world, cohort):
    """The summary and the publish answer 404 to a member of another organization, exactly as for a
    run that does not exist."""
    from tests.conftest import client_for

    program, _mentors, _mentees = cohort
    run = run_now(program, world.coordinator.user)
    outsider = client_for(world.outsider)  # an admin, of Globex
    missing = outsider.get(f"/api/orgs/globex/programs/{world.other_program.pk}/match-runs/{run.pk + 999}/publish")
    assert missing.status_code == 404
    for org in ("acme", "globex"):
        url = _api_publish_url(program, run, org=org)
        assert outsider.get(url).status_code == 404 and outsider.get(url).json() == missing.json()
        response = outsider.post(url, {"confirmation": "0000"}, content_type="application/json")
        assert response.status_code == 404 and response.json() == missing.json()
    member = client_for(world.member)  # of Acme, but no coordinator
    assert member.get(_api_publish_url(program, run)).status_code == 404
    assert Mentorship.objects.filter(program=program).count() == 0
