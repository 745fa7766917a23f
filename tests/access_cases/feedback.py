"""Access-matrix entries for check-ins, feedback, self-assessment and evaluation."""

from mentora.feedback.models import CheckIn
from tests.access_cases import COORDINATORS, MISSING, OK, REDIRECT, ROLES, UNPROCESSABLE, Case
from tests.relationship_fixtures import check_in_of, foreign_mentorship

READ = {**COORDINATORS, "mentor": OK, "mentee": OK}
ONLY_MENTEE = {**dict.fromkeys(ROLES, MISSING), "anonymous": REDIRECT, "mentee": OK}

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
]

CROSS_TENANT: list[Case] = [
    Case("feedback:check_in", lambda w: ["acme", CheckIn.objects.get(mentorship=foreign_mentorship(w)).pk], {}),
    Case("feedback:feedback", lambda w: ["acme", foreign_mentorship(w).pk], {}),
    Case("feedback:progress", lambda w: ["acme", foreign_mentorship(w).pk], {}),
    Case("feedback:evaluation", lambda w: ["acme", foreign_mentorship(w).pk], {}),
]
