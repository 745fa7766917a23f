"""API: check-ins, feedback and kudos, self-assessments — the same services and access checks as
the HTML views. A check-in opens for its respondent only; anonymous feedback hides its author from
the recipient (never from the system)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from mentora.accounts.models import Membership
from mentora.core.api_access import api_membership
from mentora.core.api_pages import Pages, Rows
from mentora.core.api_responses import READ_ERRORS, WRITE_ERRORS
from mentora.feedback import services
from mentora.feedback.models import AssessmentPhase, CheckIn, Feedback, FeedbackKind, SelfAssessment
from mentora.goals.models import Goal, Milestone
from mentora.mentorships.access import access_relationship, member_seat
from mentora.mentorships.models import Mentorship, MentorshipMember

router = Router(tags=["feedback"])


class CheckInOut(Schema):
    id: int
    mentorship_id: int
    sequence: int
    due_on: date
    state: str = Field(..., description="pending, overdue or answered")
    answered_at: datetime | None
    going_well: int | None
    meeting_regularly: bool | None
    usefulness: int | None
    comment: str
    flag_to_coordinator: str = Field(..., description="Your own flag; only coordinators read it besides you.")


class CheckInAnswerIn(Schema):
    going_well: int = Field(..., ge=1, le=5)
    meeting_regularly: bool
    usefulness: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=2000)
    flag_to_coordinator: str = Field("", max_length=2000)


class FeedbackOut(Schema):
    id: int
    kind: str
    author_id: int | None = Field(..., description="Null when the author chose to stay anonymous to you.")
    author_name: str
    recipient_id: int
    body: str
    is_anonymous: bool
    style_rating: int | None
    usefulness_rating: int | None
    listening_rating: int | None
    goal_id: int | None
    milestone_id: int | None
    created_at: datetime


class FeedbackIn(Schema):
    recipient_id: int
    kind: FeedbackKind = FeedbackKind.FEEDBACK
    body: str = Field(..., min_length=1, max_length=4000)
    is_anonymous: bool = False
    style_rating: int | None = Field(None, ge=1, le=5)
    usefulness_rating: int | None = Field(None, ge=1, le=5)
    listening_rating: int | None = Field(None, ge=1, le=5)
    goal_id: int | None = None
    milestone_id: int | None = None


class SelfAssessmentOut(Schema):
    id: int
    member_id: int
    name: str
    phase: str
    ratings: dict[str, int]
    created_at: datetime


class SelfAssessmentsOut(Schema):
    next_phase: str | None = Field(..., description="The phase you can rate yourself for now, if any.")
    skills: list[str] = Field(..., description="What to rate yourself on in that phase.")
    assessments: list[SelfAssessmentOut]


class SelfAssessmentIn(Schema):
    phase: AssessmentPhase
    ratings: dict[str, int] = Field(..., description="Skill → rating from 1 to 5, for the skills listed.")


def _check_in_out(check_in: CheckIn) -> dict[str, Any]:
    return {name: getattr(check_in, name) for name in CheckInOut.model_fields}


def _feedback_out(entry: Feedback, viewer: Membership) -> dict[str, Any]:
    # Anonymous to the other side only: the author and coordinators still see who wrote it.
    hidden = entry.is_anonymous and entry.author_id != viewer.pk and not viewer.is_coordinator
    return {name: getattr(entry, name) for name in FeedbackOut.model_fields if name not in ("author_id", "author_name")} | {
        "author_id": None if hidden else entry.author_id,
        "author_name": _("Anonymous") if hidden else entry.author.user.display_name,
    }


def _assessment_out(assessment: SelfAssessment) -> dict[str, Any]:
    return {"id": assessment.pk, "member_id": assessment.membership_id,
            "name": assessment.membership.user.display_name, "phase": assessment.phase,
            "ratings": {r.skill: r.rating for r in assessment.ratings.all()}, "created_at": assessment.created_at}


def _with_members(mentorship: Mentorship) -> Mentorship:
    members = Prefetch("members", queryset=MentorshipMember.objects.select_related("membership__user"))
    found: Mentorship = Mentorship.objects.select_related("program__organization").prefetch_related(members).get(
        pk=mentorship.pk)
    return found


def _next_phase(mentorship: Mentorship, membership: Membership) -> str | None:
    seat = member_seat(membership, mentorship)
    if seat is None or seat.role not in ("mentee", "peer"):
        return None
    mine = set(SelfAssessment.objects.filter(mentorship=mentorship, membership=membership)
               .values_list("phase", flat=True))
    return next((p for p in (AssessmentPhase.START, AssessmentPhase.END) if p not in mine), None)


@router.get("/orgs/{org}/check-ins", response={200: list[CheckInOut], **READ_ERRORS},
            summary="My check-ins, newest first")
@paginate(Pages)
def my_check_ins(request: HttpRequest, org: str) -> Rows[CheckIn, dict[str, Any]]:
    membership = api_membership(request, org)
    check_ins = CheckIn.objects.filter(respondent=membership, sent_at__isnull=False,
                                       mentorship__program__organization=membership.organization)
    return Rows(check_ins, _check_in_out)


@router.post("/orgs/{org}/check-ins/{check_in_id}/answer", response={200: CheckInOut, **WRITE_ERRORS},
             summary="Answer one of my check-ins (once)")
def check_in_answer(request: HttpRequest, org: str, check_in_id: int, payload: CheckInAnswerIn) -> dict[str, Any]:
    membership = api_membership(request, org)
    check_in = CheckIn.objects.filter(pk=check_in_id, respondent=membership).first()
    if check_in is None:
        raise Http404
    check_in.mentorship = access_relationship(membership, check_in.mentorship_id, write=True)
    return _check_in_out(services.answer_check_in(check_in=check_in, **payload.dict()))


@router.get("/orgs/{org}/mentorships/{mentorship_id}/feedback", response={200: list[FeedbackOut], **READ_ERRORS},
            summary="Feedback and kudos I gave or received (coordinators: all of the mentorship's)")
@paginate(Pages)
def feedback_list(request: HttpRequest, org: str, mentorship_id: int) -> Rows[Feedback, dict[str, Any]]:
    membership = api_membership(request, org)
    mentorship = access_relationship(membership, mentorship_id)
    entries = Feedback.objects.visible_to(membership).filter(mentorship=mentorship).select_related("author__user")
    return Rows(entries, lambda entry: _feedback_out(entry, membership))


@router.post("/orgs/{org}/mentorships/{mentorship_id}/feedback", response={201: FeedbackOut, **WRITE_ERRORS},
             summary="Give feedback or kudos to another member (members)")
def feedback_create(request: HttpRequest, org: str, mentorship_id: int, payload: FeedbackIn) -> Status[dict[str, Any]]:
    membership = api_membership(request, org)
    mentorship = _with_members(access_relationship(membership, mentorship_id, write=True))
    recipient = next((m.membership for m in mentorship.active_members() if m.membership_id == payload.recipient_id), None)
    if recipient is None:
        raise Http404
    goal = milestone = None
    if payload.goal_id is not None:
        goal = Goal.objects.filter(mentorship=mentorship, pk=payload.goal_id).first()
        if goal is None:
            raise Http404
    if payload.milestone_id is not None:
        milestone = Milestone.objects.filter(goal__mentorship=mentorship, pk=payload.milestone_id).select_related(
            "goal").first()
        if milestone is None:
            raise Http404
    entry = services.give_feedback(
        mentorship=mentorship, author=membership, recipient=recipient, body=payload.body, kind=str(payload.kind),
        is_anonymous=payload.is_anonymous, style_rating=payload.style_rating,
        usefulness_rating=payload.usefulness_rating, listening_rating=payload.listening_rating, goal=goal,
        milestone=milestone,
    )
    entry.author = membership
    return Status(201, _feedback_out(entry, membership))


@router.get("/orgs/{org}/mentorships/{mentorship_id}/self-assessments", response={200: SelfAssessmentsOut, **READ_ERRORS},
            summary="Self-assessments of the mentorship's mentees, and what I can rate now")
def self_assessments(request: HttpRequest, org: str, mentorship_id: int) -> dict[str, Any]:
    membership = api_membership(request, org)
    mentorship = _with_members(access_relationship(membership, mentorship_id))
    phase = _next_phase(mentorship, membership)
    assessments = (SelfAssessment.objects.filter(mentorship=mentorship)
                   .select_related("membership__user").prefetch_related("ratings"))
    return {"next_phase": phase, "skills": services.assessment_skills(mentorship, membership) if phase else [],
            "assessments": [_assessment_out(a) for a in assessments]}


@router.post("/orgs/{org}/mentorships/{mentorship_id}/self-assessments", response={201: SelfAssessmentOut, **WRITE_ERRORS},
             summary="Rate myself at the start or the end (mentees and peers)")
def self_assessment_create(request: HttpRequest, org: str, mentorship_id: int,
                           payload: SelfAssessmentIn) -> Status[dict[str, Any]]:
    membership = api_membership(request, org)
    mentorship = _with_members(access_relationship(membership, mentorship_id, write=True, allow_closed=True))
    seat = member_seat(membership, mentorship)
    if seat is None or seat.role not in ("mentee", "peer"):
        raise Http404
    assessment = services.save_self_assessment(mentorship=mentorship, membership=membership, phase=str(payload.phase),
                                               ratings=payload.ratings)
    assessment.membership = membership
    return Status(201, _assessment_out(assessment))
