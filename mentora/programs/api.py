"""API: programs, enrolments and decisions — the same services as the HTML views."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from mentora.core.access import access_enrollment, access_program, visible_programs
from mentora.core.api_access import api_membership, api_user
from mentora.core.api_pages import Pages, Rows
from mentora.core.api_responses import READ_ERRORS, WRITE_ERRORS
from mentora.core.timebounds import ApiDate
from mentora.programs import services
from mentora.programs.models import (
    Enrollment,
    EnrollmentRole,
    Form,
    MatchingMode,
    Program,
    ProgramStatus,
    Purpose,
)

router = Router(tags=["programs"])


class ProgramOut(Schema):
    id: int
    name: str
    description: str
    form: str
    purpose: str
    status: str
    starts_on: date
    ends_on: date
    enrollment_closes_on: date | None
    is_pilot: bool
    roles_offered: list[str]
    eligible_departments: list[str]
    eligible_levels: list[int]
    eligible_locations: list[str]
    mentor_capacity_default: int
    circle_size_min: int
    circle_size_max: int
    matching_mode: str
    requires_approval: bool


class ProgramIn(Schema):
    name: str = Field(..., min_length=1, max_length=160)
    description: str = Field("", max_length=8000)
    form: Form = Form.ONE_ON_ONE
    purpose: Purpose = Purpose.OPEN
    status: ProgramStatus = ProgramStatus.DRAFT
    starts_on: ApiDate
    ends_on: ApiDate
    enrollment_closes_on: ApiDate | None = None
    is_pilot: bool = False
    roles_offered: list[EnrollmentRole] = Field(default_factory=lambda: [EnrollmentRole.MENTOR, EnrollmentRole.MENTEE])
    eligible_departments: list[str] = Field(default_factory=list)
    eligible_levels: list[int] = Field(default_factory=list)
    eligible_locations: list[str] = Field(default_factory=list)
    mentor_capacity_default: int = Field(2, ge=1, le=50)
    circle_size_min: int = Field(4, ge=2, le=50)
    circle_size_max: int = Field(6, ge=2, le=50)
    matching_mode: MatchingMode = MatchingMode.COORDINATOR
    requires_approval: bool = True


class EnrollmentOut(Schema):
    id: int
    program_id: int
    member_id: int = Field(..., alias="membership_id")
    member_name: str
    role: str
    status: str
    capacity: int | None
    answers: dict[str, Any]
    motivation: str
    decision_message: str
    training_completed_at: datetime | None = Field(None, description="Mentors: when a coordinator marked the "
                                                   "mentor training completed (programs may match only trained mentors).")


class TrainingIn(Schema):
    completed: bool


class EnrollIn(Schema):
    role: EnrollmentRole
    answers: dict[str, Any] = Field(default_factory=dict, description="Question id → answer.")
    motivation: str = Field("", max_length=2000)
    capacity: int | None = Field(None, ge=1, le=50)


class DecisionIn(Schema):
    decision: str = Field(..., pattern="^(approve|waitlist|reject)$")
    message: str = Field("", max_length=2000)


def _enrollment_out(enrollment: Enrollment) -> dict[str, Any]:
    return {
        "id": enrollment.pk, "program_id": enrollment.program_id, "membership_id": enrollment.membership_id,
        "member_name": enrollment.membership.user.display_name, "role": enrollment.role,
        "status": enrollment.status, "capacity": enrollment.capacity, "answers": enrollment.answers,
        "motivation": enrollment.motivation, "decision_message": enrollment.decision_message,
        "training_completed_at": enrollment.training_completed_at,
    }


@router.get("/orgs/{org}/programs", response={200: list[ProgramOut], **READ_ERRORS}, summary="Programs I may see")
@paginate(Pages)
def list_programs(request: HttpRequest, org: str) -> list[Program]:
    membership = api_membership(request, org)
    programs = list(visible_programs(membership).order_by("-starts_on", "name"))
    if membership.is_coordinator:
        return programs
    profile = getattr(membership, "profile", None)
    mine = set(Enrollment.objects.filter(membership=membership).values_list("program_id", flat=True))
    return [p for p in programs if p.pk in mine or p.is_eligible(profile)]


@router.post("/orgs/{org}/programs", response={201: ProgramOut, **WRITE_ERRORS},
             summary="Create a program (coordinators)")
def create_program(request: HttpRequest, org: str, payload: ProgramIn) -> Status[Program]:
    membership = api_membership(request, org, role="coordinator")
    values = payload.dict()
    values["roles_offered"] = [str(r) for r in values["roles_offered"]]
    return Status(201, services.create_program(organization=membership.organization, created_by=api_user(request), **values))


@router.get("/orgs/{org}/programs/{program_id}", response={200: ProgramOut, **READ_ERRORS}, summary="One program")
def get_program(request: HttpRequest, org: str, program_id: int) -> Program:
    return access_program(api_membership(request, org), program_id)


@router.get("/orgs/{org}/programs/{program_id}/enrollments", response={200: list[EnrollmentOut], **READ_ERRORS},
            summary="A program's enrolments (coordinators)")
@paginate(Pages)
def list_enrollments(request: HttpRequest, org: str, program_id: int) -> Rows[Enrollment, dict[str, Any]]:
    program = access_program(api_membership(request, org), program_id, manage=True)
    return Rows(program.enrollments.select_related("membership__user").order_by("pk"), _enrollment_out)


@router.post("/orgs/{org}/programs/{program_id}/enrollments", response={201: EnrollmentOut, **WRITE_ERRORS},
             summary="Apply to a program")
def enroll(request: HttpRequest, org: str, program_id: int, payload: EnrollIn) -> Status[dict[str, Any]]:
    membership = api_membership(request, org)
    program = access_program(membership, program_id)
    enrollment = services.enroll(
        program=program, membership=membership, role=str(payload.role), answers=payload.answers,
        motivation=payload.motivation, capacity=payload.capacity,
    )
    enrollment.membership = membership
    return Status(201, _enrollment_out(enrollment))


@router.get("/orgs/{org}/enrollments/mine", response={200: list[EnrollmentOut], **READ_ERRORS}, summary="My enrolments")
@paginate(Pages)
def my_enrollments(request: HttpRequest, org: str) -> Rows[Enrollment, dict[str, Any]]:
    membership = api_membership(request, org)
    return Rows(Enrollment.objects.filter(membership=membership).select_related("membership__user").order_by("pk"),
                _enrollment_out)


@router.post("/orgs/{org}/enrollments/{enrollment_id}/decision", response={200: EnrollmentOut, **WRITE_ERRORS},
             summary="Approve, waitlist or reject (coordinators)")
def decide(request: HttpRequest, org: str, enrollment_id: int, payload: DecisionIn) -> dict[str, Any]:
    membership = api_membership(request, org, role="coordinator")
    enrollment = access_enrollment(membership, enrollment_id, manage=True)
    return _enrollment_out(services.decide_enrollment(
        enrollment=enrollment, decision=payload.decision, message=payload.message, decided_by=api_user(request),
    ))


@router.post("/orgs/{org}/enrollments/{enrollment_id}/training", response={200: EnrollmentOut, **WRITE_ERRORS},
             summary="Mark a mentor's training completed or not (coordinators)")
def training(request: HttpRequest, org: str, enrollment_id: int, payload: TrainingIn) -> dict[str, Any]:
    membership = api_membership(request, org, role="coordinator")
    enrollment = access_enrollment(membership, enrollment_id, manage=True)
    updated = services.set_training(enrollment=enrollment, completed=payload.completed, by=api_user(request))
    updated.membership = enrollment.membership
    return _enrollment_out(updated)


@router.post("/orgs/{org}/enrollments/{enrollment_id}/withdraw", response={200: EnrollmentOut, **WRITE_ERRORS},
             summary="Withdraw my enrolment")
def withdraw(request: HttpRequest, org: str, enrollment_id: int) -> dict[str, Any]:
    membership = api_membership(request, org)
    enrollment = access_enrollment(membership, enrollment_id)
    updated = services.withdraw_enrollment(enrollment=enrollment, withdrawn_by=api_user(request))
    updated.membership = enrollment.membership
    return _enrollment_out(updated)
