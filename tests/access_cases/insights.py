"""Access-matrix entries for insights (coordinators and admins only)."""

from tests.access_cases import COORDINATORS, Case, org

CASES: list[Case] = [
    Case("insights:organization", org, COORDINATORS),
    Case("insights:program", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("insights:people", lambda w: ["acme", w.program.pk], COORDINATORS, data=lambda w: {"step": "matched"}),
]

CROSS_TENANT: list[Case] = [
    Case("insights:program", lambda w: ["acme", w.other_program.pk], {}),
    Case("insights:people", lambda w: ["acme", w.other_program.pk], {}, data=lambda w: {"step": "matched"}),
]
