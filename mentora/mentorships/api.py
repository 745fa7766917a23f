"""API: a mentorship, its agreement, session logs and notes — the same services and access checks
as the HTML views. Private notes reach their author only, here as everywhere."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from mentora.core.api_access import api_membership
from mentora.core.api_pages import Pages, Rows
from mentora.core.api_responses import READ_ERRORS, WRITE_ERRORS
from mentora.core.timebounds import ApiDate
from mentora.goals.models import Goal
from mentora.mentorships import agreements, sessions
from mentora.mentorships.access import access_relationship
from mentora.mentorships.models import Agreement, Mentorship, MentorshipMember, Note, ResponseTime, SessionLog
from mentora.profiles.models import Cadence, Channel

router = Router(tags=["mentorships"])


class MemberOut(Schema):
    member_id: int
    name: str
    role: str


class AgreementOut(Schema):
    version: int
    mentee_wants: str
    cadence: str
    session_minutes: int
    channels: list[str]
    response_time: str
    boundaries: str
    feedback_how: str
    ends_on: date
    created_at: datetime


class AgreementStateOut(Schema):
    latest: AgreementOut | None
    in_force: AgreementOut | None
    confirmed_by: list[int] = Field(..., description="Member ids who confirmed the latest version.")
    waiting_for: list[int] = Field(..., description="Member ids who still have to confirm the latest version.")


class MentorshipOut(Schema):
    id: int
    program_id: int
    program_name: str
    kind: str
    status: str
    topic: str
    started_on: date | None
    ends_on: date | None
    members: list[MemberOut]
    agreement_in_force: AgreementOut | None


class AgreementIn(Schema):
    mentee_wants: str = Field(..., min_length=1, max_length=4000)
    cadence: Cadence
    session_minutes: int = Field(60, ge=15, le=240)
    channels: list[Channel] = Field(..., min_length=1)
    response_time: ResponseTime = ResponseTime.TWO_DAYS
    boundaries: str = Field(..., min_length=1, max_length=4000)
    feedback_how: str = Field(..., min_length=1, max_length=2000)
    ends_on: ApiDate


class NoteOut(Schema):
    id: int
    session_log_id: int | None
    author_id: int
    author_name: str
    body: str
    is_private: bool
    created_at: datetime


class NoteIn(Schema):
    body: str = Field(..., min_length=1, max_length=10000)
    is_private: bool = False
    session_log_id: int | None = None


class SessionLogOut(Schema):
    id: int
    logged_by_id: int | None
    held_on: date
    duration_minutes: int
    channel: str
    topics: str
    next_steps: str
    notes: list[NoteOut]


class SessionLogIn(Schema):
    held_on: ApiDate
    duration_minutes: int = Field(..., ge=1, le=600)
    channel: Channel
    topics: str = Field(..., min_length=1, max_length=4000)
    next_steps: str = Field("", max_length=4000, description="One step per line.")
    next_steps_goal_id: int | None = Field(None, description="The goal whose checklist receives the next steps.")
    shared_note: str = Field("", max_length=10000)
    private_note: str = Field("", max_length=10000, description="Readable by you only.")


def _agreement_out(agreement: Agreement | None) -> dict[str, Any] | None:
    if agreement is None:
        return None
    return {name: getattr(agreement, name) for name in AgreementOut.model_fields}


def _state_out(mentorship: Mentorship) -> dict[str, Any]:
    state = agreements.agreement_state(mentorship)
    return {"latest": _agreement_out(state.latest), "in_force": _agreement_out(state.in_force),
            "confirmed_by": sorted(state.confirmed_by), "waiting_for": [m.pk for m in state.waiting_for]}


def _note_out(note: Note) -> dict[str, Any]:
    return {"id": note.pk, "session_log_id": note.session_log_id, "author_id": note.author_id,
            "author_name": note.author.user.display_name, "body": note.body, "is_private": note.is_private,
            "created_at": note.created_at}


def _with_members(mentorship: Mentorship) -> Mentorship:
    members = Prefetch("members", queryset=MentorshipMember.objects.select_related("membership__user"))
    found: Mentorship = Mentorship.objects.select_related("program__organization").prefetch_related(members).get(
        pk=mentorship.pk)
    return found


@router.get("/orgs/{org}/mentorships/{mentorship_id}", response={200: MentorshipOut, **READ_ERRORS},
            summary="A mentorship: members, status and the agreement in force")
def mentorship_detail(request: HttpRequest, org: str, mentorship_id: int) -> dict[str, Any]:
    mentorship = _with_members(access_relationship(api_membership(request, org), mentorship_id))
    return {
        "id": mentorship.pk, "program_id": mentorship.program_id, "program_name": mentorship.program.name,
        "kind": mentorship.kind, "status": mentorship.status, "topic": mentorship.topic,
        "started_on": mentorship.started_on, "ends_on": mentorship.ends_on,
        "members": [{"member_id": m.membership_id, "name": m.membership.user.display_name, "role": m.role}
                    for m in mentorship.active_members()],
        "agreement_in_force": _agreement_out(agreements.agreement_state(mentorship).in_force),
    }


@router.get("/orgs/{org}/mentorships/{mentorship_id}/agreement", response={200: AgreementStateOut, **READ_ERRORS},
            summary="The agreement: latest version, version in force, who still has to confirm")
def agreement_read(request: HttpRequest, org: str, mentorship_id: int) -> dict[str, Any]:
    mentorship = _with_members(access_relationship(api_membership(request, org), mentorship_id))
    return _state_out(mentorship)


@router.post("/orgs/{org}/mentorships/{mentorship_id}/agreement", response={201: AgreementStateOut, **WRITE_ERRORS},
             summary="Propose a new version of the agreement (members); you confirm it by proposing")
def agreement_propose(request: HttpRequest, org: str, mentorship_id: int, payload: AgreementIn) -> Status[dict[str, Any]]:
    membership = api_membership(request, org)
    mentorship = _with_members(access_relationship(membership, mentorship_id, write=True))
    values = payload.dict()
    values["channels"] = [str(c) for c in values["channels"]]
    values["cadence"], values["response_time"] = str(values["cadence"]), str(values["response_time"])
    agreements.propose_agreement(mentorship=mentorship, author=membership, **values)
    return Status(201, _state_out(mentorship))


@router.post("/orgs/{org}/mentorships/{mentorship_id}/agreement/{version}/confirm", response={200: AgreementStateOut, **WRITE_ERRORS},
             summary="Confirm the latest version of the agreement (members)")
def agreement_confirm(request: HttpRequest, org: str, mentorship_id: int, version: int) -> dict[str, Any]:
    membership = api_membership(request, org)
    mentorship = _with_members(access_relationship(membership, mentorship_id, write=True))
    agreement = mentorship.agreements.filter(version=version).first()
    if agreement is None:
        raise Http404
    agreement.mentorship = mentorship
    agreements.confirm_agreement(agreement=agreement, membership=membership)
    return _state_out(mentorship)


@router.get("/orgs/{org}/mentorships/{mentorship_id}/sessions", response={200: list[SessionLogOut], **READ_ERRORS},
            summary="Session logs with the notes you may read (shared ones, and your own private ones)")
@paginate(Pages)
def session_logs(request: HttpRequest, org: str, mentorship_id: int) -> Rows[SessionLog, dict[str, Any]]:
    membership = api_membership(request, org)
    mentorship = access_relationship(membership, mentorship_id)
    visible_notes = Note.objects.visible_to(membership).select_related("author__user")
    logs = (SessionLog.objects.filter(mentorship=mentorship)
            .prefetch_related(Prefetch("notes", queryset=visible_notes, to_attr="visible_notes")))
    return Rows(logs, lambda log: {
        "id": log.pk, "logged_by_id": log.logged_by_id, "held_on": log.held_on,
        "duration_minutes": log.duration_minutes, "channel": log.channel, "topics": log.topics,
        "next_steps": log.next_steps, "notes": [_note_out(n) for n in log.visible_notes]})  # type: ignore[attr-defined]


@router.post("/orgs/{org}/mentorships/{mentorship_id}/sessions", response={201: SessionLogOut, **WRITE_ERRORS},
             summary="Log a session (members); next steps become checklist items of the chosen goal")
def session_log_create(request: HttpRequest, org: str, mentorship_id: int, payload: SessionLogIn) -> Status[dict[str, Any]]:
    membership = api_membership(request, org)
    mentorship = _with_members(access_relationship(membership, mentorship_id, write=True))
    goal = None
    if payload.next_steps_goal_id is not None:
        goal = Goal.objects.filter(mentorship=mentorship, pk=payload.next_steps_goal_id).first()
        if goal is None:
            raise Http404
    values = payload.dict(exclude={"next_steps_goal_id"})
    values["channel"] = str(values["channel"])
    log = sessions.log_session(mentorship=mentorship, author=membership, next_steps_goal=goal, **values)
    notes = Note.objects.visible_to(membership).filter(session_log=log).select_related("author__user")
    return Status(201, {"id": log.pk, "logged_by_id": log.logged_by_id, "held_on": log.held_on,
                        "duration_minutes": log.duration_minutes, "channel": log.channel, "topics": log.topics,
                        "next_steps": log.next_steps, "notes": [_note_out(n) for n in notes]})


@router.get("/orgs/{org}/mentorships/{mentorship_id}/notes", response={200: list[NoteOut], **READ_ERRORS},
            summary="Notes you may read: shared notes, and your own private ones — never anyone else's")
@paginate(Pages)
def note_list(request: HttpRequest, org: str, mentorship_id: int) -> Rows[Note, dict[str, Any]]:
    membership = api_membership(request, org)
    mentorship = access_relationship(membership, mentorship_id)
    return Rows(Note.objects.visible_to(membership).filter(mentorship=mentorship).select_related("author__user"), _note_out)


@router.post("/orgs/{org}/mentorships/{mentorship_id}/notes", response={201: NoteOut, **WRITE_ERRORS},
             summary="Add a note, shared or private to you (members)")
def note_create(request: HttpRequest, org: str, mentorship_id: int, payload: NoteIn) -> Status[dict[str, Any]]:
    membership = api_membership(request, org)
    mentorship = access_relationship(membership, mentorship_id, write=True)
    session_log = None
    if payload.session_log_id is not None:
        session_log = SessionLog.objects.filter(mentorship=mentorship, pk=payload.session_log_id).first()
        if session_log is None:
            raise Http404
    note = sessions.add_note(mentorship=mentorship, author=membership, body=payload.body,
                             is_private=payload.is_private, session_log=session_log)
    note.author = membership
    return Status(201, _note_out(note))
