"""Access-matrix entries for programs."""

from tests.access_cases import (
    ANY_MEMBER,
    COORDINATORS,
    MISSING,
    REDIRECT,
    ROLES,
    Case,
    org,
)

CASES: list[Case] = [
    Case("programs:list", org, ANY_MEMBER),
    Case("programs:create", org, COORDINATORS),
    Case("programs:detail", lambda w: ["acme", w.program.pk], ANY_MEMBER),
    Case("programs:edit", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("programs:questions", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("programs:question_delete", lambda w: ["acme", w.program.pk, 999999], COORDINATORS | {"coordinator": MISSING, "admin": MISSING}, "post"),
    Case("programs:enroll", lambda w: ["acme", w.program.pk], ANY_MEMBER),
    Case("programs:enrollments", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("programs:enrollment_decide", lambda w: ["acme", w.mentee_enrollment.pk], {**COORDINATORS, "coordinator": REDIRECT, "admin": REDIRECT},
         "post", lambda w: {"decision": "waitlist"}),
    Case("programs:enrollments_decide", lambda w: ["acme", w.program.pk], {**COORDINATORS, "coordinator": REDIRECT, "admin": REDIRECT},
         "post", lambda w: {"decision": "waitlist", "enrollment": [w.mentee_enrollment.pk], "confirm": "yes"}),
    Case("programs:enrollment_withdraw", lambda w: ["acme", w.mentee_enrollment.pk],
         {**dict.fromkeys(ROLES, MISSING), "anonymous": REDIRECT, "mentee": REDIRECT}, "post"),
    Case("programs:enrollment_capacity", lambda w: ["acme", w.mentor_enrollment.pk],
         {**dict.fromkeys(ROLES, MISSING), "anonymous": REDIRECT, "mentor": REDIRECT}, "post", lambda w: {"capacity": 3}),
    Case("programs:enrollment_training", lambda w: ["acme", w.mentor_enrollment.pk], {**COORDINATORS, "coordinator": REDIRECT, "admin": REDIRECT},
         "post", lambda w: {"completed": "yes"}),
]
