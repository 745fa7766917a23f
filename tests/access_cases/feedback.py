"""Access-matrix entries for check-ins, feedback, self-assessment and evaluation."""

from mentora.feedback.models import CheckIn
from tests.access_cases import (
    API_ANY_MEMBER,
    COORDINATORS,
    MISSING,
    OK,
    REDIRECT,
    ROLES,
    UNAUTHORIZED,
    UNPROCESSABLE,
    Case,
)
from tests.relationship_fixtures import check_in_of, foreign_mentorship

READ = {**COORDINATORS, "mentor": OK, "mentee": OK}
ONLY_MENTEE = {**dict.fromkeys(ROLES, MISSING), "anonymous": REDIRECT, "mentee": OK}
API_READ = {**READ, "anonymous": UNAUTHORIZED}
API_WRITE = {**COORDINATORS, "anonymous": UNAUTHORIZED, "coordinator": MISSING, "admin": MISSING}

CASES: list[Case] = [
    Case("feedback:check_in", lambda w: ["acme", check_in_of(w).pk], ONLY_MENTEE),
    Case("feedback:check_in", lambda w: ["acme", check_in_of(w).pk], {**ONLY_MENTEE, "mentee": REDIRECT}, "post",
         lambda w: {"going_well": "4", "meeting_regularly": "yes", "usefulness": "5"}),
    Case("feedback:flags", lambda w: ["acme"], COORDINATORS),
    Case("feedback:feedback", lambda w: ["acme", w.mentorship.pk], READ),
    Case("feedback:feedback", lambda w: ["acme", w.mentorship.pk],
         # Kudos to the mentee: fine from the mentor; the mentee cannot send it to themself (422).
         {**COORDINATORS, "coordinator": MISSING, "admin": MISSING, "mentor": REDIRECT, "mentee": UNPROCESSABLE}, "post",
         lambda w: {"recipient": w.mentee.pk, "kind": "kudos", "body": "Well done"}),
    Case("feedback:progress", lambda w: ["acme", w.mentorship.pk], READ),
    # The mentor has no self-assessment to fill in: 404; an incomplete mentee form: 422.
    Case("feedback:progress", lambda w: ["acme", w.mentorship.pk],
         {**COORDINATORS, "coordinator": MISSING, "admin": MISSING, "mentor": MISSING, "mentee": UNPROCESSABLE},
         "post", lambda w: {}),
    # Open mentorship: the form says "opens when the mentorship ends".
    Case("feedback:evaluation", lambda w: ["acme", w.mentorship.pk],
         {**COORDINATORS, "coordinator": MISSING, "admin": MISSING, "mentor": OK, "mentee": OK}),
    Case("feedback:settings", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("feedback:settings", lambda w: ["acme", w.program.pk], {**COORDINATORS, "coordinator": REDIRECT,
                                                                 "admin": REDIRECT}, "post",
         lambda w: {"first_check_in_after_days": "7", "check_in_every_weeks": "2"}),
    Case("api-1.0.0:my_check_ins", lambda w: ["acme"], API_ANY_MEMBER),
    Case("api-1.0.0:check_in_answer", lambda w: ["acme", check_in_of(w).pk], {**API_WRITE, "mentee": OK}, "post",
         lambda w: {"going_well": 4, "meeting_regularly": True, "usefulness": 5}, True),
    Case("api-1.0.0:feedback_list", lambda w: ["acme", w.mentorship.pk], API_READ),
    # Kudos to the mentee: fine from the mentor; the mentee cannot send it to themself (422).
    Case("api-1.0.0:feedback_create", lambda w: ["acme", w.mentorship.pk],
         {**API_WRITE, "mentor": 201, "mentee": UNPROCESSABLE}, "post",
         lambda w: {"recipient_id": w.mentee.pk, "kind": "kudos", "body": "Well done"}, True),
    Case("api-1.0.0:self_assessments", lambda w: ["acme", w.mentorship.pk], API_READ),
    # Mentors have no self-assessment: 404 like everything that is not theirs.
    Case("api-1.0.0:self_assessment_create", lambda w: ["acme", w.mentorship.pk], {**API_WRITE, "mentee": 201},
         "post", lambda w: {"phase": "start", "ratings": {"Confidence": 2}}, True),
]

CROSS_TENANT: list[Case] = [
    Case("feedback:check_in", lambda w: ["acme", CheckIn.objects.get(mentorship=foreign_mentorship(w)).pk], {}),
    Case("feedback:feedback", lambda w: ["acme", foreign_mentorship(w).pk], {}),
    Case("feedback:progress", lambda w: ["acme", foreign_mentorship(w).pk], {}),
    Case("feedback:evaluation", lambda w: ["acme", foreign_mentorship(w).pk], {}),
    Case("api-1.0.0:check_in_answer", lambda w: ["acme", CheckIn.objects.get(mentorship=foreign_mentorship(w)).pk],
         {}, "post", lambda w: {"going_well": 4, "meeting_regularly": True, "usefulness": 5}, True),
    Case("api-1.0.0:feedback_list", lambda w: ["acme", foreign_mentorship(w).pk], {}),
    Case("feedback:settings", lambda w: ["acme", w.other_program.pk], {}),
    Case("api-1.0.0:self_assessments", lambda w: ["acme", foreign_mentorship(w).pk], {}),
]
