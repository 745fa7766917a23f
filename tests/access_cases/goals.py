"""Access-matrix entries for goals: the mentorship's members write; coordinators read; others 404."""

from tests.access_cases import COORDINATORS, MISSING, OK, REDIRECT, Case
from tests.relationship_fixtures import foreign_goal, goal_of, item_of, milestone_of

READ = {**COORDINATORS, "mentor": OK, "mentee": OK}
WRITE_OK = {**COORDINATORS, "coordinator": MISSING, "admin": MISSING, "mentor": REDIRECT, "mentee": REDIRECT}
WRITE_FORM = {**COORDINATORS, "coordinator": MISSING, "admin": MISSING, "mentor": OK, "mentee": OK}
LATER = "2099-01-01"

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
]
