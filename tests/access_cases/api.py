"""Access-matrix entries for api."""

from tests.access_cases import (
    API_ANY_MEMBER,
    API_COORDINATORS,
    MISSING,
    OK,
    ROLES,
    UNAUTHORIZED,
    Case,
    org,
)

CASES: list[Case] = [
    Case("api-1.0.0:me", lambda w: [], {"anonymous": UNAUTHORIZED, **dict.fromkeys(ROLES[1:], OK)}),
    Case("api-1.0.0:my_export", lambda w: [], {"anonymous": UNAUTHORIZED, **dict.fromkeys(ROLES[1:], OK)}),
    Case("api-1.0.0:my_erasure_request", lambda w: [], {"anonymous": UNAUTHORIZED, **dict.fromkeys(ROLES[1:], OK)}),
    Case("api-1.0.0:ask_erasure", lambda w: [], {"anonymous": UNAUTHORIZED, **dict.fromkeys(ROLES[1:], 201)}, "post",
         lambda w: {"confirm": "erase"}, True),
    Case("api-1.0.0:cancel_erasure", lambda w: [], {"anonymous": UNAUTHORIZED, **dict.fromkeys(ROLES[1:], 409)}, "delete"),
    Case("api-1.0.0:my_profile", org, API_ANY_MEMBER),
    Case("api-1.0.0:update_my_profile", org, API_ANY_MEMBER, "patch", lambda w: {"headline": "Hello"}, True),
    Case("api-1.0.0:member_profile", lambda w: ["acme", w.mentor.pk], API_ANY_MEMBER),
    Case("api-1.0.0:list_programs", org, API_ANY_MEMBER),
    Case("api-1.0.0:create_program", org, {**API_COORDINATORS, "coordinator": 201, "admin": 201}, "post",
         lambda w: {"name": "New", "starts_on": "2027-01-01", "ends_on": "2027-03-01"}, True),
    Case("api-1.0.0:get_program", lambda w: ["acme", w.program.pk], API_ANY_MEMBER),
    Case("api-1.0.0:list_enrollments", lambda w: ["acme", w.program.pk], API_COORDINATORS),
    Case("api-1.0.0:enroll", lambda w: ["acme", w.program.pk],
         {**API_ANY_MEMBER, "member": 201, "mentor": 409, "mentee": 201, "coordinator": 201, "admin": 201}, "post",
         lambda w: {"role": "mentor", "capacity": 1}, True),
    Case("api-1.0.0:my_enrollments", org, API_ANY_MEMBER),
    Case("api-1.0.0:decide", lambda w: ["acme", w.mentee_enrollment.pk], API_COORDINATORS, "post",
         lambda w: {"decision": "approve"}, True),
    Case("api-1.0.0:training", lambda w: ["acme", w.mentor_enrollment.pk], API_COORDINATORS, "post",
         lambda w: {"completed": True}, True),
    Case("api-1.0.0:withdraw", lambda w: ["acme", w.mentee_enrollment.pk],
         {**dict.fromkeys(ROLES, MISSING), "anonymous": UNAUTHORIZED, "mentee": OK}, "post"),
]
