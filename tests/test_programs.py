"""Designing programs, enrolling, and coordinator decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mentora.core.errors import DomainError
from mentora.core.models import AuditEvent
from mentora.programs import services
from mentora.programs.models import Enrollment, EnrollmentQuestion, Program
from tests.factories import EnrollmentFactory, ProgramFactory


def program_post(**overrides):
    today = timezone.localdate()
    data = {
        "name": "AI Circles", "purpose": "ai_upskilling", "form": "circle", "description": "Learn together.",
        "status": "open", "starts_on": (today + timedelta(days=10)).isoformat(),
        "ends_on": (today + timedelta(days=100)).isoformat(), "roles_offered": ["mentor", "mentee"],
        "requires_approval": "on", "mentor_capacity_default": "6", "circle_size_min": "5", "circle_size_max": "7",
        "matching_mode": "coordinator",
    }
    data.update(overrides)
    return data


def test_a_purpose_template_prefills_the_new_program_form(world, as_coordinator):
    page = as_coordinator.get(reverse("programs:create", args=["acme"]) + "?purpose=ai_upskilling").content.decode()
    assert 'value="circle" selected' in page or 'value="circle"\n' in page or "circle" in page
    initial = services.preset_for("ai_upskilling")
    assert initial["form"] == "circle" and initial["circle_size_min"] == 5


def test_a_coordinator_creates_a_program_with_the_templates_questions(world, as_coordinator):
    response = as_coordinator.post(reverse("programs:create", args=["acme"]), program_post())
    assert response.status_code == 302
    program = Program.objects.get(name="AI Circles")
    assert program.organization == world.org and program.form == "circle"
    assert EnrollmentQuestion.objects.filter(program=program, kind="scale").exists()
    assert AuditEvent.objects.filter(action="program.create", target_id=str(program.pk)).exists()


@pytest.mark.parametrize(("overrides", "field_text"), [
    ({"ends_on": "2020-01-01"}, "end date"),
    ({"circle_size_min": "8", "circle_size_max": "4"}, "smallest circle"),
    ({"form": "peer", "roles_offered": ["mentor"]}, "peer role only"),
    ({"roles_offered": []}, "required"),
])
def test_an_invalid_program_is_refused_with_a_clear_error(world, as_coordinator, overrides, field_text):
    response = as_coordinator.post(reverse("programs:create", args=["acme"]), program_post(**overrides))
    assert response.status_code == 422
    assert field_text in response.content.decode()
    assert not Program.objects.filter(name="AI Circles").exists()


def test_the_database_refuses_an_end_before_the_start(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramFactory(organization=world.org, starts_on=timezone.localdate(), ends_on=timezone.localdate() - timedelta(days=1))


def test_a_member_applies_with_answers_and_sees_the_status(world, as_member):
    question = EnrollmentQuestion.objects.create(program=world.program, text="Where do you want to be?", kind="text", is_required=True)
    url = reverse("programs:enroll", args=["acme", world.program.pk])
    missing = as_member.post(url, {"role": "mentee"})
    assert missing.status_code == 422 and not Enrollment.objects.filter(membership=world.member).exists()
    response = as_member.post(url, {"role": "mentee", f"q_{question.pk}": "Leading a team", "motivation": "Grow"})
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(membership=world.member)
    assert enrollment.status == "applied" and enrollment.answers == {str(question.pk): "Leading a team"}
    page = as_member.get(reverse("programs:detail", args=["acme", world.program.pk])).content.decode()
    assert "Applied" in page


def test_one_enrolment_per_person_program_and_role(world):
    with pytest.raises(DomainError, match="already applied"):
        services.enroll(program=world.program, membership=world.mentor, role="mentor", answers={})
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(program=world.program, membership=world.mentor, role="mentor")


def test_only_mentors_have_a_capacity_in_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrollmentFactory(program=world.program, membership=world.member, role="mentee", capacity=3)


def test_a_program_without_approval_admits_people_at_once(world):
    world.program.requires_approval = False
    world.program.save()
    enrollment = services.enroll(program=world.program, membership=world.member, role="mentee", answers={})
    assert enrollment.status == "approved"


def test_people_outside_the_eligibility_cannot_see_or_join(world, as_member):
    world.program.eligible_departments = ["Sales"]
    world.program.save()
    assert as_member.get(reverse("programs:detail", args=["acme", world.program.pk])).status_code == 404
    with pytest.raises(DomainError):
        services.enroll(program=world.program, membership=world.member, role="mentee", answers={})


def test_a_closed_program_refuses_enrolment(world):
    world.program.status = "closed"
    world.program.save()
    with pytest.raises(DomainError, match="not open"):
        services.enroll(program=world.program, membership=world.member, role="mentee", answers={})


def test_choice_answers_must_be_among_the_choices(world):
    q = EnrollmentQuestion.objects.create(program=world.program, text="Track", kind="single", choices=["A", "B"])
    with pytest.raises(DomainError):
        services.enroll(program=world.program, membership=world.member, role="mentee", answers={str(q.pk): "C"})
    assert not Enrollment.objects.filter(membership=world.member).exists()


def test_a_coordinator_approves_with_a_message_that_is_emailed_and_audited(world, as_coordinator, django_capture_on_commit_callbacks):
    url = reverse("programs:enrollment_decide", args=["acme", world.mentee_enrollment.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = as_coordinator.post(url, {"decision": "approve", "message": "Welcome aboard!"})
    assert response.status_code == 302
    world.mentee_enrollment.refresh_from_db()
    assert world.mentee_enrollment.status == "approved"
    assert world.mentee_enrollment.decided_by == world.coordinator.user
    assert mail.outbox and "Welcome aboard!" in mail.outbox[-1].body
    assert mail.outbox[-1].to == ["mentee@acme.test"]
    assert AuditEvent.objects.filter(action="enrollment.approve").count() == 1


def test_waitlist_and_reject_are_recorded(world):
    services.decide_enrollment(enrollment=world.mentee_enrollment, decision="waitlist", message="", decided_by=world.coordinator.user)
    world.mentee_enrollment.refresh_from_db()
    assert world.mentee_enrollment.status == "waitlisted"
    with pytest.raises(DomainError):
        services.decide_enrollment(enrollment=world.mentee_enrollment, decision="maybe", message="", decided_by=world.coordinator.user)


def test_a_person_withdraws_and_may_apply_again(world, as_mentee):
    response = as_mentee.post(reverse("programs:enrollment_withdraw", args=["acme", world.mentee_enrollment.pk]))
    assert response.status_code == 302
    world.mentee_enrollment.refresh_from_db()
    assert world.mentee_enrollment.status == "withdrawn"
    with pytest.raises(DomainError):
        services.decide_enrollment(enrollment=world.mentee_enrollment, decision="approve", message="", decided_by=world.coordinator.user)
    again = services.enroll(program=world.program, membership=world.mentee, role="mentee", answers={})
    assert again.pk == world.mentee_enrollment.pk and again.status == "applied"


def test_mentors_set_capacity_and_see_their_total_load(world):
    other = ProgramFactory(organization=world.org, name="Onboarding")
    services.enroll(program=other, membership=world.mentor, role="mentor", answers={}, capacity=3)
    assert services.mentor_load(world.mentor) == 2 + 3
    services.set_capacity(enrollment=world.mentor_enrollment, capacity=4)
    assert services.mentor_load(world.mentor) == 4 + 3
    with pytest.raises(DomainError):
        services.set_capacity(enrollment=world.mentor_enrollment, capacity=0)


def test_the_coordinator_list_shows_counts_by_role_and_status(world, as_coordinator):
    program = Program.objects.filter(pk=world.program.pk).with_enrollment_counts().get()
    assert (program.n_mentor_approved, program.n_mentee_applied, program.n_enrollments) == (1, 1, 2)
    page = as_coordinator.get(reverse("programs:list", args=["acme"])).content.decode()
    assert "Career Growth" in page and "Globex" not in page


def test_members_see_open_programs_but_not_drafts(world, as_member):
    ProgramFactory(organization=world.org, name="Secret Draft", status="draft")
    page = as_member.get(reverse("programs:list", args=["acme"])).content.decode()
    assert "Career Growth" in page and "Secret Draft" not in page


def test_coordinators_add_and_remove_enrolment_questions(world, as_coordinator):
    url = reverse("programs:questions", args=["acme", world.program.pk])
    bad = as_coordinator.post(url, {"text": "Pick", "kind": "single", "choices": "only one"})
    assert bad.status_code == 422
    assert as_coordinator.post(url, {"text": "Pick", "kind": "single", "choices": "A\nB", "use_in_matching": "on"}).status_code == 302
    question = EnrollmentQuestion.objects.get(program=world.program)
    assert question.choices == ["A", "B"] and question.use_in_matching
    as_coordinator.post(reverse("programs:question_delete", args=["acme", world.program.pk, question.pk]))
    assert not EnrollmentQuestion.objects.filter(program=world.program).exists()
