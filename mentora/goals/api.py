"""API: SMART goals with milestones, checklist items, evidence (links, notes, files), comments,
milestone quizzes and milestone reviews — the same services and access checks as the HTML views
(members write; the organization's coordinators read)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from mentora.core.api_access import api_membership
from mentora.core.api_input import ObjectIn
from mentora.core.api_pages import Pages, Rows
from mentora.core.api_responses import LIMITED_WRITE_ERRORS, READ_ERRORS, WRITE_ERRORS
from mentora.core.errors import StaleWrite
from mentora.core.timebounds import ApiDate
from mentora.goals import quizzes, reviews, services
from mentora.goals.access import access_checklist_item, access_goal, access_milestone
from mentora.goals.downloads import evidence_file_response
from mentora.goals.models import ChecklistItem, Evidence, Goal, GoalStatus, Milestone, MilestoneReview, QuizAttempt
from mentora.goals.smart import check_smart
from mentora.mentorships.access import access_relationship
from mentora.mentorships.models import Mentorship, MentorshipMember
from mentora.profiles.models import Skill

router = Router(tags=["goals"])


class MilestoneOut(Schema):
    id: int
    goal_id: int
    title: str
    due_on: date
    done_at: datetime | None


class ChecklistItemOut(Schema):
    id: int
    goal_id: int
    milestone_id: int | None
    text: str
    done_at: datetime | None
    done_by_id: int | None


class EvidenceOut(Schema):
    id: int
    author_id: int
    url: str
    note: str
    file_name: str = Field("", description="Name of the attached file, if any.")
    file_url: str = Field("", description="Where to download the file through the API, if any.")
    created_at: datetime


class QuizQuestionOut(Schema):
    position: int
    text: str
    choices: list[str]


class QuizAttemptOut(Schema):
    id: int
    member_id: int
    member_name: str
    number: int
    score: int
    total: int
    percent: int
    passed: bool
    created_at: datetime


class MilestoneQuizOut(Schema):
    milestone_id: int
    quiz_id: int
    title: str
    description: str
    pass_percent: int
    max_attempts: int
    questions: list[QuizQuestionOut] = Field(..., description="The right answers are never sent.")
    attempts: list[QuizAttemptOut]
    attempts_left: int = Field(..., description="How many more times the caller may take it (0 once passed).")


class ReviewOut(Schema):
    id: int
    respondent_id: int
    respondent_name: str
    due_on: date
    answered_at: datetime | None
    went_well: str
    to_change: str
    next_goals: str


class MilestoneReviewsOut(Schema):
    milestone_id: int
    answered: list[ReviewOut]
    waiting_for: list[str] = Field(..., description="Who has an open review (names only; their answers come later).")
    my_open_review_id: int | None = Field(..., description="The caller's review to answer, if any.")


class ReviewIn(Schema):
    went_well: str = Field(..., max_length=4000)
    to_change: str = Field(..., max_length=4000)
    next_goals: str = Field(..., max_length=4000)


class QuizAnswersIn(Schema):
    answers: list[int] = Field(..., description="Per question, in order, the index (from 0) of the chosen choice.")


class CommentOut(Schema):
    id: int
    author_id: int
    author_name: str
    body: str
    created_at: datetime


class SmartCheckOut(Schema):
    letter: str
    name: str
    ok: bool
    guidance: str


class GoalOut(Schema):
    id: int
    mentorship_id: int
    owner_id: int
    title: str
    description: str
    measure: str
    achievable: str
    relevance: str
    target_on: date
    skill_id: int | None
    status: str
    progress: int = Field(..., description="Percent of milestones and checklist items done (100 when achieved).")
    version: int = Field(..., description="Send it back with a rewrite: a goal changed since is not overwritten (409).")


class GoalDetailOut(GoalOut):
    smart: list[SmartCheckOut]
    milestones: list[MilestoneOut]
    checklist_items: list[ChecklistItemOut]
    evidence: list[EvidenceOut]
    comments: list[CommentOut]


class GoalIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1, max_length=4000)
    measure: str = Field(..., min_length=1, max_length=300)
    achievable: str = Field(..., min_length=1, max_length=2000)
    relevance: str = Field(..., min_length=1, max_length=2000)
    target_on: ApiDate
    skill_id: int | None = None


class GoalUpdateIn(GoalIn):
    status: GoalStatus | None = None
    version: int | None = Field(None, ge=1, description="The version you read; when the goal has moved on since, "
                                "nothing is written and the answer is 409 with the goal as it is now.")


class StaleGoalOut(Schema):
    detail: str
    field: str | None = None
    current: GoalDetailOut | None = Field(None, description="The goal as it is now (for a stale write).")


class MilestoneIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    due_on: ApiDate


class ChecklistItemIn(Schema):
    text: str = Field(..., min_length=1, max_length=300)
    milestone_id: int | None = None


class DoneIn(ObjectIn):
    done: bool = True


class EvidenceIn(ObjectIn):
    url: str = Field("", max_length=500)
    note: str = Field("", max_length=4000)


class CommentIn(Schema):
    body: str = Field(..., min_length=1, max_length=4000)


def _goal_out(goal: Goal) -> dict[str, Any]:
    return {name: getattr(goal, name) for name in GoalOut.model_fields}


def _detail_out(goal: Goal) -> dict[str, Any]:
    goal = Goal.objects.with_progress().get(pk=goal.pk)
    smart = check_smart(title=goal.title, description=goal.description, measure=goal.measure,
                        achievable=goal.achievable, relevance=goal.relevance, target_on=goal.target_on,
                        today=goal.created_at.date(), ends_on=goal.mentorship.ends_on)
    evidence = [{"id": e.pk, "author_id": e.author_id, "url": e.url, "note": e.note, "created_at": e.created_at,
                 "file_name": e.file_name} for e in goal.evidence.all()]
    comments = [{"id": c.pk, "author_id": c.author_id, "author_name": c.author.user.display_name, "body": c.body,
                 "created_at": c.created_at} for c in goal.comments.select_related("author__user")]
    return _goal_out(goal) | {
        "smart": [vars(check) for check in smart], "milestones": list(goal.milestones.all()),
        "checklist_items": list(goal.checklist_items.all()), "evidence": evidence, "comments": comments,
    }


def _skill(mentorship: Mentorship, skill_id: int | None) -> Skill | None:
    if skill_id is None:
        return None
    skill = Skill.objects.available_to(mentorship.program.organization).filter(pk=skill_id).first()  # type: ignore[attr-defined]
    if skill is None:
        raise Http404
    return skill  # type: ignore[no-any-return]


def _relationship(request: HttpRequest, org: str, mentorship_id: int, *, write: bool = False) -> tuple[Any, Mentorship]:
    membership = api_membership(request, org)
    mentorship = access_relationship(membership, mentorship_id, write=write)
    members = Prefetch("members", queryset=MentorshipMember.objects.select_related("membership__user"))
    return membership, Mentorship.objects.select_related("program__organization").prefetch_related(members).get(
        pk=mentorship.pk)


@router.get("/orgs/{org}/mentorships/{mentorship_id}/goals", response={200: list[GoalOut], **READ_ERRORS},
            summary="A mentorship's goals with progress")
@paginate(Pages)
def goal_list(request: HttpRequest, org: str, mentorship_id: int) -> Rows[Goal, dict[str, Any]]:
    _membership, mentorship = _relationship(request, org, mentorship_id)
    return Rows(Goal.objects.filter(mentorship=mentorship).with_progress(), _goal_out)


@router.post("/orgs/{org}/mentorships/{mentorship_id}/goals", response={201: GoalDetailOut, **WRITE_ERRORS},
             summary="Write a SMART goal (members); it belongs to the mentee")
def goal_create(request: HttpRequest, org: str, mentorship_id: int, payload: GoalIn) -> Status[dict[str, Any]]:
    membership, mentorship = _relationship(request, org, mentorship_id, write=True)
    values = payload.dict(exclude={"skill_id"})
    goal = services.save_goal(mentorship=mentorship, author=membership, skill=_skill(mentorship, payload.skill_id),
                              **values)
    return Status(201, _detail_out(goal))


@router.get("/orgs/{org}/goals/{goal_id}", response={200: GoalDetailOut, **READ_ERRORS},
            summary="A goal with its SMART check, milestones, checklist, evidence and comments")
def goal_detail(request: HttpRequest, org: str, goal_id: int) -> dict[str, Any]:
    return _detail_out(access_goal(api_membership(request, org), goal_id))


@router.put("/orgs/{org}/goals/{goal_id}", response={200: GoalDetailOut, **WRITE_ERRORS, 409: StaleGoalOut},
            summary="Rewrite a goal and set its status (members)")
def goal_update(request: HttpRequest, org: str, goal_id: int, payload: GoalUpdateIn) -> Any:
    membership = api_membership(request, org)
    goal = access_goal(membership, goal_id, write=True)
    values = payload.dict(exclude={"skill_id", "status", "version"})
    try:
        services.save_goal(mentorship=goal.mentorship, author=membership, goal=goal, expected_version=payload.version,
                           skill=_skill(goal.mentorship, payload.skill_id), **values)
    except StaleWrite as error:
        return Status(409, {"detail": error.message, "field": "version", "current": _detail_out(goal)})
    if payload.status is not None:
        services.set_goal_status(goal=goal, status=str(payload.status))
    return _detail_out(goal)


@router.post("/orgs/{org}/goals/{goal_id}/milestones", response={201: MilestoneOut, **WRITE_ERRORS},
             summary="Add a milestone (members)")
def milestone_create(request: HttpRequest, org: str, goal_id: int, payload: MilestoneIn) -> Status[Milestone]:
    goal = access_goal(api_membership(request, org), goal_id, write=True)
    return Status(201, services.add_milestone(goal=goal, title=payload.title, due_on=payload.due_on))


@router.post("/orgs/{org}/milestones/{milestone_id}/done", response={200: MilestoneOut, **WRITE_ERRORS},
             summary="Mark a milestone reached, or reopen it (members)")
def milestone_set_done(request: HttpRequest, org: str, milestone_id: int, payload: DoneIn) -> Milestone:
    milestone = access_milestone(api_membership(request, org), milestone_id, write=True)
    return services.set_milestone_done(milestone=milestone, done=payload.done)


@router.post("/orgs/{org}/goals/{goal_id}/checklist-items", response={201: ChecklistItemOut, **WRITE_ERRORS},
             summary="Add a checklist item (members)")
def checklist_item_create(request: HttpRequest, org: str, goal_id: int, payload: ChecklistItemIn) -> Status[ChecklistItem]:
    goal = access_goal(api_membership(request, org), goal_id, write=True)
    milestone = None
    if payload.milestone_id is not None:
        milestone = goal.milestones.filter(pk=payload.milestone_id).first()
        if milestone is None:
            raise Http404
    [item] = services.add_checklist_items(goal=goal, texts=[payload.text], milestone=milestone)
    return Status(201, item)


@router.post("/orgs/{org}/checklist-items/{item_id}/done", response={200: ChecklistItemOut, **WRITE_ERRORS},
             summary="Tick (or untick) a checklist item (members)")
def checklist_item_tick(request: HttpRequest, org: str, item_id: int, payload: DoneIn) -> ChecklistItem:
    membership = api_membership(request, org)
    item = access_checklist_item(membership, item_id, write=True)
    return services.set_item_done(item=item, done=payload.done, by=membership)


@router.post("/orgs/{org}/goals/{goal_id}/evidence", response={201: EvidenceOut, **WRITE_ERRORS},
             summary="Add a link or a note to the goal's portfolio (members)")
def evidence_create(request: HttpRequest, org: str, goal_id: int, payload: EvidenceIn) -> Status[dict[str, Any]]:
    membership = api_membership(request, org)
    goal = access_goal(membership, goal_id, write=True)
    evidence = services.add_evidence(goal=goal, author=membership, url=payload.url, note=payload.note)
    return Status(201, _evidence_out(org, evidence))


def _evidence_out(org: str, evidence: Evidence) -> dict[str, Any]:
    file_url = reverse("api-1.0.0:evidence_download", args=[org, evidence.pk]) if evidence.file else ""
    return {"id": evidence.pk, "author_id": evidence.author_id, "url": evidence.url, "note": evidence.note,
            "file_name": evidence.file_name, "file_url": file_url, "created_at": evidence.created_at}


@router.post("/orgs/{org}/goals/{goal_id}/evidence/file", response={201: EvidenceOut, **LIMITED_WRITE_ERRORS},
             summary="Add a file (with an optional note) to the goal's portfolio (members; multipart)")
def evidence_upload(request: HttpRequest, org: str, goal_id: int, file: File[UploadedFile],
                    note: Form[str] = "") -> Status[dict[str, Any]]:
    membership = api_membership(request, org)
    goal = access_goal(membership, goal_id, write=True)
    evidence = services.add_evidence(goal=goal, author=membership, note=note, upload=file)
    return Status(201, _evidence_out(org, evidence))


EVIDENCE_FILE = {"200": {"description": "The file, as an attachment, with its own content type (PDF, image, text, "
                                         "office document).",
                          "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}}}


@router.get("/orgs/{org}/evidence/{evidence_id}/file", response=READ_ERRORS, openapi_extra={"responses": EVIDENCE_FILE},
            summary="Download an evidence file (members; coordinators, audited)")
def evidence_download(request: HttpRequest, org: str, evidence_id: int) -> HttpResponse:
    membership = api_membership(request, org)
    return evidence_file_response(membership, membership.user, evidence_id)


def _attempt_out(attempt: QuizAttempt) -> dict[str, Any]:
    return {"id": attempt.pk, "member_id": attempt.membership_id, "member_name": attempt.membership.user.display_name,
            "number": attempt.number, "score": attempt.score, "total": attempt.total, "percent": attempt.percent,
            "passed": attempt.passed, "created_at": attempt.created_at}


@router.get("/orgs/{org}/milestones/{milestone_id}/quiz", response={200: MilestoneQuizOut, **READ_ERRORS},
            summary="The milestone's quiz: questions (without the answers) and everyone's attempts")
def milestone_quiz(request: HttpRequest, org: str, milestone_id: int) -> dict[str, Any]:
    membership = api_membership(request, org)
    milestone = access_milestone(membership, milestone_id)
    quiz = milestone.quiz
    if quiz is None:
        raise Http404
    attempts = list(QuizAttempt.objects.filter(milestone=milestone, quiz=quiz).select_related("membership__user", "quiz"))
    mine = [a for a in attempts if a.membership_id == membership.pk]
    taker = any(m.membership_id == membership.pk and m.role in quizzes.QUIZ_TAKER_ROLES
                for m in milestone.goal.mentorship.active_members())
    return {
        "milestone_id": milestone.pk, "quiz_id": quiz.pk, "title": quiz.title, "description": quiz.description,
        "pass_percent": quiz.pass_percent, "max_attempts": quiz.max_attempts,
        "questions": [{"position": q.position, "text": q.text, "choices": q.choices} for q in quiz.questions.all()],
        "attempts": [_attempt_out(a) for a in attempts],
        "attempts_left": quizzes.attempts_left(quiz, mine) if taker and milestone.goal.mentorship.is_open else 0,
    }


@router.post("/orgs/{org}/milestones/{milestone_id}/quiz/attempts", response={201: QuizAttemptOut, **WRITE_ERRORS},
             summary="Answer the milestone's quiz (the mentee; again until passed, within the attempts allowed)")
def quiz_attempt_create(request: HttpRequest, org: str, milestone_id: int, payload: QuizAnswersIn) -> Status[dict[str, Any]]:
    membership = api_membership(request, org)
    milestone = access_milestone(membership, milestone_id, write=True)
    attempt = quizzes.take_quiz(milestone=milestone, membership=membership, answers=payload.answers)
    return Status(201, _attempt_out(attempt))


def _review_out(review: MilestoneReview) -> dict[str, Any]:
    return {"id": review.pk, "respondent_id": review.respondent_id, "respondent_name": review.respondent.user.display_name,
            "due_on": review.due_on, "answered_at": review.answered_at, "went_well": review.went_well,
            "to_change": review.to_change, "next_goals": review.next_goals}


@router.get("/orgs/{org}/milestones/{milestone_id}/reviews", response={200: MilestoneReviewsOut, **READ_ERRORS},
            summary="A milestone's reviews: the answered ones, who is still to answer, and the caller's open one")
def milestone_reviews(request: HttpRequest, org: str, milestone_id: int) -> dict[str, Any]:
    membership = api_membership(request, org)
    milestone = access_milestone(membership, milestone_id)
    found = list(MilestoneReview.objects.filter(milestone=milestone).select_related("respondent__user"))
    mine = next((r for r in found if r.respondent_id == membership.pk and r.answered_at is None), None)
    return {"milestone_id": milestone.pk, "answered": [_review_out(r) for r in found if r.answered_at is not None],
            "waiting_for": [r.respondent.user.display_name for r in found if r.answered_at is None],
            "my_open_review_id": mine.pk if mine else None}


@router.post("/orgs/{org}/milestones/{milestone_id}/reviews/mine", response={200: ReviewOut, **WRITE_ERRORS},
             summary="Answer my open review of the milestone (members, once)")
def milestone_review_answer(request: HttpRequest, org: str, milestone_id: int, payload: ReviewIn) -> dict[str, Any]:
    membership = api_membership(request, org)
    milestone = access_milestone(membership, milestone_id, write=True)
    mine = MilestoneReview.objects.filter(milestone=milestone, respondent=membership).select_related("respondent__user").first()
    if mine is None:
        raise Http404
    mine.milestone = milestone
    return _review_out(reviews.answer_review(review=mine, went_well=payload.went_well, to_change=payload.to_change,
                                             next_goals=payload.next_goals))


@router.post("/orgs/{org}/goals/{goal_id}/comments", response={201: CommentOut, **WRITE_ERRORS},
             summary="Comment on a goal (members)")
def comment_create(request: HttpRequest, org: str, goal_id: int, payload: CommentIn) -> Status[dict[str, Any]]:
    membership = api_membership(request, org)
    goal = access_goal(membership, goal_id, write=True)
    comment = services.add_comment(goal=goal, author=membership, body=payload.body)
    return Status(201, {"id": comment.pk, "author_id": comment.author_id, "author_name": membership.user.display_name,
                        "body": comment.body, "created_at": comment.created_at})
