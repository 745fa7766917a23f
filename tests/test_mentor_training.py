"""Mentor training: coordinators mark it on enrolments; programs can match only trained mentors."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from mentora.core.errors import DomainError
from mentora.core.models import AuditEvent
from mentora.matching.snapshot import build_instance, settings_for
from mentora.matching.suggestions import suggest_mentors
from mentora.programs.models import Enrollment
from mentora.programs.services import set_training
from tests.conftest import client_for
from tests.factories import EnrollmentFactory, MembershipFactory, ProgramFactory
from tests.test_matching_product import person, run_now


@pytest.fixture
def two_mentors(world):
    """Two mentors offering the same skill (only the first trained) and two mentees wanting it."""
    program = ProgramFactory(organization=world.org, name="Trained only")
    trained, untrained = (person(world.org, department="Data", offered=["SQL"], level=7) for _ in range(2))
    trained_enrollment = EnrollmentFactory(program=program, membership=trained, role="mentor", capacity=1)
    EnrollmentFactory(program=program, membership=untrained, role="mentor", capacity=1)
    mentees = [person(world.org, wanted=["SQL"], level=3) for _ in range(2)]
    for mentee in mentees:
        EnrollmentFactory(program=program, membership=mentee, role="mentee")
    set_training(enrollment=trained_enrollment, completed=True, by=world.coordinator.user)
    return program, trained, untrained, mentees


def require_training(program, required=True):
    matching = settings_for(program)
    matching.require_training = required
    matching.save()
    return matching


def test_the_snapshot_carries_who_is_trained_and_the_rule(world, two_mentors):
    program, trained, untrained, _ = two_mentors
    instance = build_instance(program, require_training(program))
    assert instance["rules"]["require_mentor_training"] is True
    assert {m["id"]: m["trained"] for m in instance["mentors"]} == {str(trained.pk): True, str(untrained.pk): False}


def test_a_run_matches_only_trained_mentors_when_the_program_requires_it(world, two_mentors):
    program, trained, _untrained, _ = two_mentors
    require_training(program)
    run = run_now(program, world.coordinator.user)
    assert run.status == "done" and run.quality["matched"] == 1
    assert {p.mentor_id for p in run.matches.all()} == {trained.pk}
    assert [u["reason"] for u in run.unmatched] == ["training_required"]


def test_without_the_rule_untrained_mentors_are_matched_too(world, two_mentors):
    program, trained, untrained, _ = two_mentors
    require_training(program, required=False)
    run = run_now(program, world.coordinator.user)
    assert {p.mentor_id for p in run.matches.all()} == {trained.pk, untrained.pk}


def test_suggestions_leave_out_untrained_mentors_when_required(world, two_mentors):
    program, trained, untrained, mentees = two_mentors
    matching = require_training(program, required=False)
    assert {s.mentor_id for s in suggest_mentors(program=program, mentee=mentees[0], matching=matching)} == {
        trained.pk, untrained.pk}
    matching = require_training(program)
    assert [s.mentor_id for s in suggest_mentors(program=program, mentee=mentees[0], matching=matching)] == [trained.pk]


def test_a_coordinator_marks_training_completed_and_not_completed(world, as_coordinator):
    url = reverse("programs:enrollment_training", args=["acme", world.mentor_enrollment.pk])
    page = reverse("programs:enrollments", args=["acme", world.program.pk])
    response = as_coordinator.post(url, {"completed": "yes"})
    assert response.status_code == 302 and response["Location"].startswith(page)
    world.mentor_enrollment.refresh_from_db()
    assert world.mentor_enrollment.training_completed_at is not None
    assert AuditEvent.objects.filter(action="enrollment.training_completed").count() == 1
    listing = as_coordinator.get(page).content.decode()
    assert "Training completed" in listing and "Mark training not completed" in listing
    as_coordinator.post(url, {"completed": "yes"})  # again: nothing new
    assert AuditEvent.objects.filter(action="enrollment.training_completed").count() == 1
    as_coordinator.post(url, {"completed": "no"})
    world.mentor_enrollment.refresh_from_db()
    assert world.mentor_enrollment.training_completed_at is None
    assert AuditEvent.objects.filter(action="enrollment.training_cleared").count() == 1


def test_bad_input_and_mentees_change_nothing(world, as_coordinator):
    url = reverse("programs:enrollment_training", args=["acme", world.mentor_enrollment.pk])
    response = as_coordinator.post(url, {"completed": "maybe"}, follow=True)
    assert "Choose completed or not completed." in response.content.decode()
    mentee_url = reverse("programs:enrollment_training", args=["acme", world.mentee_enrollment.pk])
    response = as_coordinator.post(mentee_url, {"completed": "yes"}, follow=True)
    assert "Only mentors take the mentor training." in response.content.decode()
    assert not Enrollment.objects.filter(training_completed_at__isnull=False).exists()
    with pytest.raises(DomainError):
        set_training(enrollment=world.mentee_enrollment, completed=True, by=world.coordinator.user)


def test_other_organizations_cannot_mark_training(world):
    outsider_coordinator = MembershipFactory(organization=world.other_org, role="coordinator")
    url = reverse("programs:enrollment_training", args=[world.other_org.slug, world.mentor_enrollment.pk])
    assert client_for(outsider_coordinator).post(url, {"completed": "yes"}).status_code == 404
    world.mentor_enrollment.refresh_from_db()
    assert world.mentor_enrollment.training_completed_at is None


def test_the_api_marks_training_and_refuses_mentees(world, as_coordinator):
    url = f"/api/orgs/acme/enrollments/{world.mentor_enrollment.pk}/training"
    response = as_coordinator.post(url, data=json.dumps({"completed": True}), content_type="application/json")
    assert response.status_code == 200 and response.json()["training_completed_at"] is not None
    listed = as_coordinator.get(f"/api/orgs/acme/programs/{world.program.pk}/enrollments").json()["items"]
    assert {e["id"]: e["training_completed_at"] is not None for e in listed}[world.mentor_enrollment.pk]
    mentee = f"/api/orgs/acme/enrollments/{world.mentee_enrollment.pk}/training"
    refused = as_coordinator.post(mentee, data=json.dumps({"completed": True}), content_type="application/json")
    assert refused.status_code == 422 and refused.json()["field"] == "completed"
    bad = as_coordinator.post(url, data=json.dumps({"completed": "perhaps"}), content_type="application/json")
    assert bad.status_code == 422
    world.mentee_enrollment.refresh_from_db()
    assert world.mentee_enrollment.training_completed_at is None


def test_the_database_refuses_training_on_a_mentee_enrolment(world):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Enrollment.objects.filter(pk=world.mentee_enrollment.pk).update(training_completed_at="2026-11-27T10:00:00Z")


def test_the_settings_page_saves_the_rule(world, as_coordinator):
    url = reverse("matching:settings", args=["acme", world.program.pk])
    page = as_coordinator.get(url).content.decode()
    assert "mentors must have completed training" in page.lower()
    form = {"objective": "max_total", "department_mode": "diversity", "site_mode": "ignore",
            "seniority_gap_min": 1, "seniority_gap_max": 4, "suggestions_count": 5, "max_open_requests": 3,
            "request_ttl_days": 7, "require_training": "on", "require_shared_language": "on"}
    form |= {f"weight_{factor}": 1 for factor in settings_for(world.program).effective_weights()}
    response = as_coordinator.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert settings_for(world.program).require_training is True
