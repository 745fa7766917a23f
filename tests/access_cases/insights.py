"""Access-matrix entries for insights (coordinators and admins only)."""

from tests.access_cases import COORDINATORS, Case

CASES: list[Case] = [
    Case("insights:at_risk", lambda w: ["acme", w.program.pk], COORDINATORS),
    # The first step of a nudge only shows who would get what: nothing is sent without confirm=yes.
    Case("insights:nudge", lambda w: ["acme", w.program.pk], COORDINATORS, "post",
         lambda w: {"mentorship": [w.mentorship.pk], "audience": "pair"}),
]

CROSS_TENANT: list[Case] = [
    Case("insights:at_risk", lambda w: ["acme", w.other_program.pk], {}),
    Case("insights:nudge", lambda w: ["acme", w.other_program.pk], {}, "post",
         lambda w: {"mentorship": [w.mentorship.pk], "audience": "pair", "confirm": "yes"}),
]
