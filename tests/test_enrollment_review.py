"""Enrolment review: bulk decisions (summary, confirmation, all-or-nothing), filters that persist, counts."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from mentora.core.errors import Conflict, DomainError
from mentora.core.models import AuditEvent
from mentora.notifications.models import Notification
from mentora.programs import services
from mentora.programs.models import Enrollment
from tests.conftest import World, client_for
from tests.factories import EnrollmentFactory, MembershipFactory


def applicants(world: World, n: int, **kwargs) -> list[Enrollment]:
    return [
        EnrollmentFactory(program=world.program, membership=MembershipFactory(organization=world.org),
                          role=kwargs.get("role", "mentee"), status=kwargs.get("status", "applied"))
        for _ in range(n)
    ]


def bulk_url(world: World) -> str:
    return reverse("programs:enrollments_decide", args=["acme", world.program.pk])


def review_url(world: World) -> str:
    return reverse("programs:enrollments", args=["acme", world.program.pk])


def test_a_bulk_decision_first_shows_a_summary_and_changes_nothing(world, as_coordinator):
    people = applicants(world, 12)
    response = as_coordinator.post(bulk_url(world), {"enrollment": [e.pk for e in people], "decision": "approve",
                                                     "message": "Welcome!"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Approve 12 people; 12 emails will be sent." in page
    assert 'name="confirm" value="yes"' in page
    for person in people:
        assert person.membership.user.display_name in page
    assert Enrollment.objects.filter(pk__in=[e.pk for e in people], status="applied").count() == 12
    assert not mail.outbox and not AuditEvent.objects.filter(action="enrollment.approve").exists()


def test_confirming_decides_each_through_the_single_decision_service(
    world, as_coordinator, django_capture_on_commit_callbacks
):
    """Each person is decided, audited, notified and emailed; the coordinator is told how many."""
    people = applicants(world, 3)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_coordinator.post(bulk_url(world), {
            "enrollment": [e.pk for e in people], "decision": "waitlist", "message": "Soon!", "confirm": "yes",
        })
    assert response.status_code == 302 and response["Location"] == review_url(world)
    assert set(Enrollment.objects.filter(pk__in=[e.pk for e in people]).values_list("status", flat=True)) == {"waitlisted"}
    assert Enrollment.objects.get(pk=people[0].pk).decided_by == world.coordinator.user
    assert AuditEvent.objects.filter(action="enrollment.waitlist").count() == 3
    assert Notification.objects.filter(kind="enrollment.waitlist").count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.membership.user.email for e in people)
    assert all("Soon!" in m.body for m in mail.outbox)
    followed = as_coordinator.get(review_url(world))
    assert "Put 3 people on the waiting list; their emails are on their way." in followed.content.decode()


def test_one_refusal_rolls_the_whole_batch_back_and_sends_nothing(world, django_capture_on_commit_callbacks):
    people = applicants(world, 3)
    withdrawn = people[2]
    Enrollment.objects.filter(pk=withdrawn.pk).update(status="withdrawn")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Conflict, match=withdrawn.membership.user.display_name):
        services.decide_enrollments(program=world.program, enrollment_ids=[e.pk for e in people], decision="approve",
                                    message="", decided_by=world.coordinator.user)
    assert Enrollment.objects.filter(pk__in=[people[0].pk, people[1].pk], status="applied").count() == 2
    assert not AuditEvent.objects.filter(action="enrollment.approve").exists()
    assert not Notification.objects.filter(kind="enrollment.approve").exists()
    assert not mail.outbox


def test_a_withdrawn_person_in_the_selection_is_named_and_cannot_be_confirmed(world, as_coordinator):
    people = applicants(world, 2)
    Enrollment.objects.filter(pk=people[1].pk).update(status="withdrawn")
    for extra in ({}, {"confirm": "yes"}):
        response = as_coordinator.post(bulk_url(world), {"enrollment": [e.pk for e in people], "decision": "approve", **extra})
        assert response.status_code == 409
        assert people[1].membership.user.display_name in response.content.decode()
        assert 'name="confirm" value="yes"' not in response.content.decode()
    assert Enrollment.objects.get(pk=people[0].pk).status == "applied"


@pytest.mark.parametrize(("post", "error"), [
    ({"decision": "approve"}, "Select at least one person."),
    ({"decision": "promote", "enrollment": ["ENROLLMENT"]}, "Select a valid choice"),
    ({"decision": "approve", "enrollment": ["OUTSIDER"]}, "Some of the people selected are not in this program."),
    ({"decision": "approve", "enrollment": ["abc"]}, "Some of the people selected are not in this program."),
])
def test_bad_bulk_input_is_refused_with_a_reason_and_changes_nothing(world, as_coordinator, post, error):
    """No selection, an unknown decision, another program's (or organization's) enrolment, garbage ids."""
    post = {**post, "confirm": "yes"}
    ids = {"ENROLLMENT": world.mentee_enrollment.pk, "OUTSIDER": world.outsider_enrollment.pk}
    post["enrollment"] = [ids.get(value, value) for value in post.get("enrollment", [])]
    response = as_coordinator.post(bulk_url(world), post)
    assert response.status_code == 422
    assert error in response.content.decode()
    world.mentee_enrollment.refresh_from_db()
    world.outsider_enrollment.refresh_from_db()
    assert world.mentee_enrollment.status == "applied" and world.outsider_enrollment.decided_by is None


def test_the_service_refuses_an_enrolment_of_another_program(world):
    with pytest.raises(DomainError, match="not in this program"):
        services.decide_enrollments(program=world.program, enrollment_ids=[world.outsider_enrollment.pk],
                                    decision="approve", message="", decided_by=world.coordinator.user)


@pytest.mark.parametrize("who", ["member", "mentor", "outsider"])
def test_only_the_programs_coordinators_may_decide_in_bulk(world, who):
    """A member or a coordinator of another organization gets 404 (the same as a missing program)."""
    response = client_for(getattr(world, who)).post(
        bulk_url(world), {"enrollment": [world.mentee_enrollment.pk], "decision": "approve", "confirm": "yes"},
    )
    assert response.status_code in (403, 404)
    if who == "outsider":
        assert response.status_code == 404
    world.mentee_enrollment.refresh_from_db()
    assert world.mentee_enrollment.status == "applied"


def test_the_status_tabs_count_each_status_within_the_role_and_search_filters(world, as_coordinator):
    applicants(world, 4)
    applicants(world, 2, status="waitlisted")
    applicants(world, 1, role="mentor", status="applied")
    page = as_coordinator.get(review_url(world) + "?role=mentee").content.decode()
    # world has one applied mentee already: 5 applied, 2 waitlisted among mentees
    assert '>Applied <span class="count">5</span>' in page
    assert '>Waitlisted <span class="count">2</span>' in page
    assert '>All <span class="count">7</span>' in page
    assert "Not accepted" not in page  # a status with nobody in it is not a tab


def test_search_finds_people_by_name_and_the_tab_filters_by_status(world, as_coordinator):
    target = applicants(world, 3)[1]
    target.membership.user.full_name = "Zelda Quartermain"
    target.membership.user.save()
    page = as_coordinator.get(review_url(world) + "?q=quarter&status=applied").content.decode()
    assert "Zelda Quartermain" in page
    assert page.count('name="enrollment" value=') == 1
    assert '>Applied <span class="count">1</span>' in page


def test_filters_are_kept_in_the_session_and_restored_when_coming_back(world, as_coordinator):
    as_coordinator.get(review_url(world) + "?status=waitlisted&role=mentee&q=ann")
    back = as_coordinator.get(review_url(world))
    assert back.status_code == 302
    assert back["Location"] == review_url(world) + "?status=waitlisted&role=mentee&q=ann"
    # Clearing the filters is remembered too: the bare page then shows everything.
    as_coordinator.get(review_url(world) + "?status=&role=&q=")
    assert as_coordinator.get(review_url(world)).status_code == 200


def test_unknown_filter_values_mean_all(world, as_coordinator):
    response = as_coordinator.get(review_url(world) + "?status=bogus&role=admin")
    assert response.status_code == 200
    assert f'id="enrollment-{world.mentee_enrollment.pk}"' in response.content.decode()
