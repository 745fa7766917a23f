"""Access-matrix entries for mentorships: members and the org's coordinators; nobody else."""

from tests.access_cases import COORDINATORS, OK, REDIRECT, Case

MEMBERS_AND_COORDINATORS = {**COORDINATORS, "mentor": OK, "mentee": OK}

CASES: list[Case] = [
    Case("mentorships:list", lambda w: ["acme"], {**COORDINATORS, "member": OK, "mentor": OK, "mentee": OK}),
    Case("mentorships:home", lambda w: ["acme", w.mentorship.pk], MEMBERS_AND_COORDINATORS),
    Case("mentorships:transition", lambda w: ["acme", w.mentorship.pk],
         {**MEMBERS_AND_COORDINATORS, "mentor": REDIRECT, "mentee": REDIRECT, "coordinator": REDIRECT, "admin": REDIRECT},
         "post", lambda w: {"to_status": "paused", "reason": "holiday"}),
]

CROSS_TENANT: list[Case] = []
