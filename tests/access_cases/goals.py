"""Access-matrix entries for goals: the mentorship's members write; coordinators read; others 404."""

from django.core.files.uploadedfile import SimpleUploadedFile

from mentora.goals.models import Evidence
from tests.access_cases import COORDINATORS, MISSING, OK, REDIRECT, UNAUTHORIZED, Case
from tests.relationship_fixtures import (
    PDF_BYTES,
    evidence_file_of,
    foreign_goal,
    foreign_mentorship,
    goal_of,
    item_of,
    milestone_of,
    milestone_with_quiz,
    quiz_of,
    reviewed_milestone,
)

READ = {**COORDINATORS, "mentor": OK, "mentee": OK}
WRITE_OK = {**COORDINATORS, "coordinator": MISSING, "admin": MISSING, "mentor": REDIRECT, "mentee": REDIRECT}
WRITE_FORM = {**COORDINATORS, "coordinator": MISSING, "admin": MISSING, "mentor": OK, "mentee": OK}
LATER = "2099-01-01"
API_READ = {**READ, "anonymous": UNAUTHORIZED}
API_WRITE = {**WRITE_FORM, "anonymous": UNAUTHORIZED}
API_CREATE = {**API_WRITE, "mentor": 201, "mentee": 201}


def _goal_json(w):  # type: ignore[no-untyped-def]
    return {"title": "Give a talk", "description": "A ten minute talk on our data platform at the all-hands",
            "measure": "Talk given", "achievable": "Two months", "relevance": "I want to lead",
            "target_on": str(goal_of(w).target_on)}

CASES: list[Case] = [
    Case("goals:create", lambda w: ["acme", w.mentorship.pk], WRITE_FORM),
    Case("goals:detail", lambda w: ["acme", goal_of(w).pk], READ),
    Case("goals:edit", lambda w: ["acme", goal_of(w).pk], WRITE_FORM),
    Case("goals:status", lambda w: ["acme", goal_of(w).pk], WRITE_OK, "post", lambda w: {"status": "in_progress"}),
    Case("goals:milestone_add", lambda w: ["acme", goal_of(w).pk], {**WRITE_OK}, "post",
         lambda w: {"milestone-title": "Draft", "milestone-due_on": str(goal_of(w).target_on)}),
    Case("goals:item_add", lambda w: ["acme", goal_of(w).pk], WRITE_OK, "post", lambda w: {"item-text": "Book a room"}),
    Case("goals:evidence_add", lambda w: ["acme", goal_of(w).pk], WRITE_OK, "post",
         lambda w: {"evidence-url": "https://example.com/slides"}),
    Case("goals:comment_add", lambda w: ["acme", goal_of(w).pk], WRITE_OK, "post", lambda w: {"comment-body": "Nice"}),
    Case("goals:milestone_done", lambda w: ["acme", milestone_of(w).pk], WRITE_OK, "post", lambda w: {"done": "on"}),
    Case("goals:item_done", lambda w: ["acme", item_of(w).pk], WRITE_OK, "post", lambda w: {"done": "on"}),
    Case("goals:evidence_file", lambda w: ["acme", evidence_file_of(w).pk], READ),
    Case("goals:milestone_quiz", lambda w: ["acme", milestone_of(w).pk], WRITE_OK, "post",
         lambda w: {"quiz": quiz_of(w).pk}),
    Case("goals:quiz_take", lambda w: ["acme", milestone_with_quiz(w).pk], READ),
    # Only the mentee takes the quiz; the mentor has nothing to answer (404).
    Case("goals:quiz_take", lambda w: ["acme", milestone_with_quiz(w).pk], {**WRITE_OK, "mentor": MISSING}, "post",
         lambda w: {"q1": "1", "q2": "0"}),
    Case("goals:review", lambda w: ["acme", reviewed_milestone(w).pk], READ),
    Case("goals:review", lambda w: ["acme", reviewed_milestone(w).pk], WRITE_OK, "post",
         lambda w: {"review-went_well": "We met", "review-to_change": "Less", "review-next_goals": "More"}),
    Case("goals:quizzes", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("goals:quiz_create", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("goals:quiz_create", lambda w: ["acme", w.program.pk], {**COORDINATORS, "coordinator": REDIRECT,
                                                                 "admin": REDIRECT}, "post",
         lambda w: {"title": "Basics", "pass_percent": "60", "questions": "Ready?\n* Yes\nNo"}),
    Case("api-1.0.0:goal_list", lambda w: ["acme", w.mentorship.pk], API_READ),
    Case("api-1.0.0:goal_create", lambda w: ["acme", w.mentorship.pk], API_CREATE, "post", _goal_json, True),
    Case("api-1.0.0:goal_detail", lambda w: ["acme", goal_of(w).pk], API_READ),
    Case("api-1.0.0:goal_update", lambda w: ["acme", goal_of(w).pk], API_WRITE, "put",
         lambda w: _goal_json(w) | {"status": "in_progress"}, True),
    Case("api-1.0.0:milestone_create", lambda w: ["acme", goal_of(w).pk], API_CREATE, "post",
         lambda w: {"title": "Draft", "due_on": str(goal_of(w).target_on)}, True),
    Case("api-1.0.0:milestone_set_done", lambda w: ["acme", milestone_of(w).pk], API_WRITE, "post",
         lambda w: {"done": True}, True),
    Case("api-1.0.0:checklist_item_create", lambda w: ["acme", goal_of(w).pk], API_CREATE, "post",
         lambda w: {"text": "Book a room"}, True),
    Case("api-1.0.0:checklist_item_tick", lambda w: ["acme", item_of(w).pk], API_WRITE, "post",
         lambda w: {"done": True}, True),
    Case("api-1.0.0:evidence_create", lambda w: ["acme", goal_of(w).pk], API_CREATE, "post",
         lambda w: {"url": "https://example.com/slides"}, True),
    Case("api-1.0.0:evidence_upload", lambda w: ["acme", goal_of(w).pk], API_CREATE, "post",
         lambda w: {"file": SimpleUploadedFile("plan.pdf", PDF_BYTES, "application/pdf"), "note": "Plan"}),
    Case("api-1.0.0:evidence_download", lambda w: ["acme", evidence_file_of(w).pk], API_READ),
    Case("api-1.0.0:milestone_quiz", lambda w: ["acme", milestone_with_quiz(w).pk], API_READ),
    # Only the mentee answers; the mentor (not a quiz taker) and coordinators get 404.
    Case("api-1.0.0:quiz_attempt_create", lambda w: ["acme", milestone_with_quiz(w).pk],
         {**API_CREATE, "mentor": MISSING}, "post", lambda w: {"answers": [1, 0]}, True),
    Case("api-1.0.0:milestone_reviews", lambda w: ["acme", reviewed_milestone(w).pk], API_READ),
    Case("api-1.0.0:milestone_review_answer", lambda w: ["acme", reviewed_milestone(w).pk], API_WRITE, "post",
         lambda w: {"went_well": "We met", "to_change": "Less", "next_goals": "More"}, True),
    Case("api-1.0.0:comment_create", lambda w: ["acme", goal_of(w).pk], API_CREATE, "post",
         lambda w: {"body": "Nice"}, True),
]

CROSS_TENANT: list[Case] = [
    Case("goals:detail", lambda w: ["acme", foreign_goal(w).pk], {}),
    Case("goals:edit", lambda w: ["acme", foreign_goal(w).pk], {}),
    Case("goals:create", lambda w: ["acme", foreign_goal(w).mentorship_id], {}),
    Case("goals:comment_add", lambda w: ["acme", foreign_goal(w).pk], {}, "post", lambda w: {"comment-body": "x"}),
    Case("goals:item_done", lambda w: ["acme", foreign_goal(w).checklist_items.get().pk], {}, "post",
         lambda w: {"done": "on"}),
    Case("goals:milestone_done", lambda w: ["acme", foreign_goal(w).milestones.get().pk], {}, "post",
         lambda w: {"done": "on"}),
    Case("goals:evidence_file",
         lambda w: ["acme", Evidence.objects.get(goal__mentorship=foreign_mentorship(w)).pk], {}),
    Case("goals:quiz_take", lambda w: ["acme", foreign_goal(w).milestones.get().pk], {}),
    Case("goals:review", lambda w: ["acme", foreign_goal(w).milestones.get().pk], {}),
    Case("goals:quizzes", lambda w: ["acme", w.other_program.pk], {}),
    Case("goals:quiz_create", lambda w: ["acme", w.other_program.pk], {}),
    Case("api-1.0.0:goal_list", lambda w: ["acme", foreign_goal(w).mentorship_id], {}),
    Case("api-1.0.0:goal_detail", lambda w: ["acme", foreign_goal(w).pk], {}),
    Case("api-1.0.0:goal_update", lambda w: ["acme", foreign_goal(w).pk], {}, "put", _goal_json, True),
    Case("api-1.0.0:checklist_item_tick", lambda w: ["acme", foreign_goal(w).checklist_items.get().pk], {}, "post",
         lambda w: {"done": True}, True),
    Case("api-1.0.0:milestone_set_done", lambda w: ["acme", foreign_goal(w).milestones.get().pk], {}, "post",
         lambda w: {"done": True}, True),
]
