"""API: matching runs for coordinators; suggestions and requests for participants."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from mentora.accounts.models import Membership
from mentora.core.access import access_program
from mentora.core.api_access import api_membership, api_user
from mentora.core.api_input import ObjectIn
from mentora.core.api_pages import Pages, Rows
from mentora.core.api_responses import LIMITED_WRITE_ERRORS, READ_ERRORS, WRITE_ERRORS
from mentora.matching import requests as mentorship_requests
from mentora.matching import services
from mentora.matching.models import MatchRun, MentorshipRequest
from mentora.matching.snapshot import settings_for
from mentora.matching.suggestions import suggest_mentors
from mentora.programs.models import EnrollmentRole, EnrollmentStatus, MatchingMode

router = Router(tags=["matching"])


class FactorOut(Schema):
    factor: str
    share: float
    value: float
    detail: list[str]


class ProposalOut(Schema):
    mentee_id: int
    mentor_id: int
    group: int | None
    score: float
    is_pinned: bool
    explanation: list[FactorOut]


class RunOut(Schema):
    id: int
    status: str
    progress: int
    solver: str
    seconds: float | None
    quality: dict[str, Any]
    unmatched: list[dict[str, Any]]


class RunDetailOut(RunOut):
    matches: list[ProposalOut]


class PublishSummaryOut(Schema):
    run_id: int
    status: str
    kind: str = Field(..., description="What each created mentorship is: pair, peer or circle.")
    mentorships: int = Field(..., description="How many mentorships (pairs, peer pairs or circles) publishing creates.")
    people_notified: int = Field(..., description="How many people are told, in the app and by email.")
    notified_member_ids: list[int] = Field(..., description="Who is told: everyone in a created mentorship.")
    unmatched: int = Field(..., description="How many people stay unmatched; they are not notified.")
    already_matched_member_ids: list[int] = Field(..., description=(
        "Publishing replaces nothing: it adds mentorships and ends none. These people already have an open "
        "mentorship in the program, so publishing is refused until theirs ends (or the run leaves them out)."))
    confirmation: str = Field(..., description="Send it back to publish; it goes stale as soon as the run changes.")


class PublishIn(ObjectIn):
    confirmation: str = Field("", max_length=64, description="The `confirmation` of the publish summary (GET).")


class PublishedOut(Schema):
    mentorship_ids: list[int]


class SuggestionOut(Schema):
    mentor_id: int
    name: str
    score: float
    free_places: int
    explanation: list[FactorOut]


class RequestIn(Schema):
    mentor_id: int
    message: str = Field(..., min_length=1, max_length=2000)
    goals: str = Field("", max_length=2000)
    rank: int | None = Field(None, ge=1, le=10)


class RespondIn(Schema):
    action: str = Field(..., pattern="^(accept|decline|question)$")
    reply: str = Field("", max_length=2000)


class RequestOut(Schema):
    id: int
    program_id: int
    mentee_id: int
    mentor_id: int
    status: str
    message: str
    mentor_reply: str


def _run_out(run: MatchRun, *, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {k: getattr(run, k) for k in ("id", "status", "progress", "solver", "seconds", "quality", "unmatched")}
    if detail:
        data["matches"] = [
            {"mentee_id": p.mentee_id, "mentor_id": p.mentor_id, "group": p.group, "score": p.score,
             "is_pinned": p.is_pinned, "explanation": p.explanation}
            for p in run.matches.all()
        ]
    return data


def _request_out(r: MentorshipRequest) -> dict[str, Any]:
    return {"id": r.pk, "program_id": r.program_id, "mentee_id": r.mentee_id, "mentor_id": r.mentor_id,
            "status": r.status, "message": r.message, "mentor_reply": r.mentor_reply}


@router.get("/orgs/{org}/programs/{program_id}/match-runs", response={200: list[RunOut], **READ_ERRORS},
            summary="Matching runs (coordinators)")
@paginate(Pages)
def list_runs(request: HttpRequest, org: str, program_id: int) -> Rows[MatchRun, dict[str, Any]]:
    program = access_program(api_membership(request, org), program_id, manage=True)
    return Rows(MatchRun.objects.filter(program=program), _run_out)


@router.post("/orgs/{org}/programs/{program_id}/match-runs", response={202: RunOut, **WRITE_ERRORS},
             summary="Start a matching run")
def create_run(request: HttpRequest, org: str, program_id: int) -> Status[dict[str, Any]]:
    program = access_program(api_membership(request, org), program_id, manage=True)
    return Status(202, _run_out(services.start_match_run(program=program, started_by=api_user(request))))


def _api_run(request: HttpRequest, org: str, program_id: int, run_id: int) -> MatchRun:
    program = access_program(api_membership(request, org), program_id, manage=True)
    run = MatchRun.objects.filter(program=program, pk=run_id).first()
    if run is None:
        raise Http404
    return run


@router.get("/orgs/{org}/programs/{program_id}/match-runs/{run_id}", response={200: RunDetailOut, **READ_ERRORS},
            summary="A run with its proposals")
def get_run(request: HttpRequest, org: str, program_id: int, run_id: int) -> dict[str, Any]:
    return _run_out(_api_run(request, org, program_id, run_id), detail=True)


PUBLISH_STEPS = ("Publishing is irreversible, so it takes two steps, like the page: GET this address for the summary "
                 "of what publishing will do and its `confirmation`, then POST that `confirmation` back. A POST "
                 "without it, with a wrong one, or after the run changed (a pin, a removal, a swap) answers 409 "
                 "and changes nothing; GET the summary again.")


@router.get("/orgs/{org}/programs/{program_id}/match-runs/{run_id}/publish", response={200: PublishSummaryOut, **READ_ERRORS},
            summary="What publishing a run will do, and the confirmation to publish it", description=PUBLISH_STEPS)
def publish_summary(request: HttpRequest, org: str, program_id: int, run_id: int) -> dict[str, Any]:
    run = _api_run(request, org, program_id, run_id)
    preview = services.preview_publish(run)
    return {"run_id": run.pk, "status": run.status, "kind": preview.kind, "mentorships": preview.mentorships,
            "people_notified": preview.people_notified, "notified_member_ids": list(preview.notified_member_ids),
            "unmatched": preview.unmatched, "already_matched_member_ids": list(preview.already_matched_member_ids),
            "confirmation": preview.token}


@router.post("/orgs/{org}/programs/{program_id}/match-runs/{run_id}/publish",
             response={200: PublishedOut, **WRITE_ERRORS},
             summary="Publish a run with the summary's confirmation (all or nothing, idempotent)", description=PUBLISH_STEPS)
def publish(request: HttpRequest, org: str, program_id: int, run_id: int,
            payload: PublishIn | None = None) -> dict[str, list[int]]:
    run = _api_run(request, org, program_id, run_id)
    confirmation = payload.confirmation if payload is not None else ""
    created = services.publish_run(run=run, published_by=api_user(request), confirmation=confirmation)
    return {"mentorship_ids": [m.pk for m in created]}


@router.get("/orgs/{org}/programs/{program_id}/suggestions", response={200: list[SuggestionOut], **READ_ERRORS},
            summary="My mentor suggestions")
@paginate(Pages)
def my_suggestions(request: HttpRequest, org: str, program_id: int) -> list[dict[str, Any]]:
    membership = api_membership(request, org)
    program = access_program(membership, program_id)
    if program.matching_mode == MatchingMode.COORDINATOR or not program.enrollments.filter(
        membership=membership, role=EnrollmentRole.MENTEE, status=EnrollmentStatus.APPROVED
    ).exists():
        raise Http404
    ranked = suggest_mentors(program=program, mentee=membership, matching=settings_for(program))
    names = dict(Membership.objects.filter(pk__in=[s.mentor_id for s in ranked]).values_list("pk", "user__full_name"))
    return [{"mentor_id": s.mentor_id, "name": names.get(s.mentor_id, ""), "score": s.score,
             "free_places": s.free_places, "explanation": s.explanation} for s in ranked]


@router.post("/orgs/{org}/programs/{program_id}/requests", response={201: RequestOut, **LIMITED_WRITE_ERRORS},
             summary="Ask a mentor")
def create_request(request: HttpRequest, org: str, program_id: int, payload: RequestIn) -> Status[dict[str, Any]]:
    membership = api_membership(request, org)
    program = access_program(membership, program_id)
    mentor = Membership.objects.filter(pk=payload.mentor_id, organization=membership.organization, is_active=True).first()
    if mentor is None:
        raise Http404
    created = mentorship_requests.send_request(program=program, mentee=membership, mentor=mentor, message=payload.message,
                                               goals=payload.goals, matching=settings_for(program), rank=payload.rank)
    return Status(201, _request_out(created))


@router.get("/orgs/{org}/requests", response={200: list[RequestOut], **READ_ERRORS},
            summary="Requests I sent or received")
@paginate(Pages)
def list_requests(request: HttpRequest, org: str) -> Rows[MentorshipRequest, dict[str, Any]]:
    membership = api_membership(request, org)
    from django.db.models import Q

    found = MentorshipRequest.objects.filter(Q(mentee=membership) | Q(mentor=membership)).order_by("-created_at", "-pk")
    return Rows(found, _request_out)


@router.post("/orgs/{org}/requests/{request_id}/respond", response={200: RequestOut, **WRITE_ERRORS},
             summary="Accept, decline or ask (the mentor)")
def respond(request: HttpRequest, org: str, request_id: int, payload: RespondIn) -> dict[str, Any]:
    membership = api_membership(request, org)
    found = MentorshipRequest.objects.filter(pk=request_id, mentor=membership).first()
    if found is None:
        raise Http404
    return _request_out(mentorship_requests.respond_to_request(request=found, mentor=membership, action=payload.action,
                                                               reply=payload.reply))
