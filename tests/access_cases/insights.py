"""Access-matrix entries for insights (exports: coordinators and admins of the program's organization)."""

from tests.access_cases import COORDINATORS, Case

CASES: list[Case] = [
    Case("insights:exports", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("insights:export", lambda w: ["acme", w.program.pk, "enrolments", "csv"], COORDINATORS),
    Case("insights:export", lambda w: ["acme", w.program.pk, "mentorships", "xlsx"], COORDINATORS),
]

CROSS_TENANT: list[Case] = [
    Case("insights:exports", lambda w: ["acme", w.other_program.pk], {}),
    Case("insights:export", lambda w: ["acme", w.other_program.pk, "enrolments", "csv"], {}),
    Case("insights:export", lambda w: ["acme", w.other_program.pk, "check-ins", "xlsx"], {}),
]
