"""Access-matrix entries for insights (coordinators and admins of the program's organization only)."""

from tests.access_cases import COORDINATORS, MISSING, Case, org

CASES: list[Case] = [
    Case("insights:organization", org, COORDINATORS),
    Case("insights:program", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("insights:people", lambda w: ["acme", w.program.pk], COORDINATORS, data=lambda w: {"step": "matched"}),
    Case("insights:behind", lambda w: ["acme", w.program.pk, "never-met"], COORDINATORS),
    # No such scheduled message: everyone who may come this far is told so, like anyone else.
    Case("insights:scheduled_cancel", lambda w: ["acme", w.program.pk, 999999],
         {**COORDINATORS, "coordinator": MISSING, "admin": MISSING}, "post"),
    Case("insights:people_message", lambda w: ["acme", w.program.pk], COORDINATORS, "post",
         lambda w: {"step": "matched", "message": "Hi {first_name}"}),
    Case("insights:retrospective", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("insights:next_cohort", lambda w: ["acme", w.program.pk], {**COORDINATORS, "coordinator": 422, "admin": 422},
         "post", lambda w: {"name": ""}),
    Case("insights:compare", org, COORDINATORS, data=lambda w: {"a": w.program.pk}),
    Case("insights:report_subscribe", lambda w: ["acme", w.program.pk], {**COORDINATORS, "coordinator": 302, "admin": 302},
         "post", lambda w: {"recipient": w.admin.pk, "frequency": "weekly"}),
    Case("insights:report_subscribe_organization", org, {**COORDINATORS, "coordinator": 302, "admin": 302},
         "post", lambda w: {"recipient": w.admin.pk, "frequency": "weekly"}),
    Case("insights:report_stop", lambda w: ["acme", 999999], {**COORDINATORS, "coordinator": 404, "admin": 404}, "post"),
    Case("insights:outcomes", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("insights:exports", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("insights:export", lambda w: ["acme", w.program.pk, "enrolments", "csv"], COORDINATORS),
    Case("insights:export", lambda w: ["acme", w.program.pk, "mentorships", "xlsx"], COORDINATORS),
    Case("insights:at_risk", lambda w: ["acme", w.program.pk], COORDINATORS),
    # The first step of a nudge only shows who would get what: nothing is sent without confirm=yes.
    Case("insights:nudge", lambda w: ["acme", w.program.pk], COORDINATORS, "post",
         lambda w: {"mentorship": [w.mentorship.pk], "audience": "pair"}),
]

CROSS_TENANT: list[Case] = [
    Case("insights:program", lambda w: ["acme", w.other_program.pk], {}),
    Case("insights:people", lambda w: ["acme", w.other_program.pk], {}, data=lambda w: {"step": "matched"}),
    Case("insights:behind", lambda w: ["acme", w.other_program.pk, "never-met"], {}),
    Case("insights:people_message", lambda w: ["acme", w.other_program.pk], {}, "post",
         lambda w: {"step": "matched", "message": "Hi {first_name}", "confirm": "yes"}),
    Case("insights:retrospective", lambda w: ["acme", w.other_program.pk], {}),
    Case("insights:next_cohort", lambda w: ["acme", w.other_program.pk], {}, "post", lambda w: {"name": "Stolen"}),
    Case("insights:report_subscribe", lambda w: ["acme", w.other_program.pk], {}, "post",
         lambda w: {"recipient": w.admin.pk, "frequency": "weekly"}),
    Case("insights:outcomes", lambda w: ["acme", w.other_program.pk], {}),
    Case("insights:outcomes", lambda w: ["acme", w.other_program.pk], {}, "post", lambda w: {"confirm": "yes", "content": ""}),
    Case("insights:exports", lambda w: ["acme", w.other_program.pk], {}),
    Case("insights:export", lambda w: ["acme", w.other_program.pk, "enrolments", "csv"], {}),
    Case("insights:export", lambda w: ["acme", w.other_program.pk, "check-ins", "xlsx"], {}),
    Case("insights:at_risk", lambda w: ["acme", w.other_program.pk], {}),
    Case("insights:nudge", lambda w: ["acme", w.other_program.pk], {}, "post",
         lambda w: {"mentorship": [w.mentorship.pk], "audience": "pair", "confirm": "yes"}),
]
