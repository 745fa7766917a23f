"""Objects of another organization: every role of ours gets the same 404 as for a missing id."""

from tests.access_cases import Case

CROSS_TENANT: list[Case] = [
    Case("programs:detail", lambda w: ["acme", w.other_program.pk], {}),
    Case("programs:edit", lambda w: ["acme", w.other_program.pk], {}),
    Case("programs:enrollments", lambda w: ["acme", w.other_program.pk], {}),
    Case("programs:enroll", lambda w: ["acme", w.other_program.pk], {}),
    Case("profiles:detail", lambda w: ["acme", w.outsider.pk], {}),
    Case("privacy:member_data_download", lambda w: ["acme", w.outsider.pk], {}, "post"),
    Case("programs:enrollment_decide", lambda w: ["acme", w.outsider_enrollment.pk], {}, "post", lambda w: {"decision": "approve"}),
    Case("programs:enrollment_withdraw", lambda w: ["acme", w.outsider_enrollment.pk], {}, "post"),
    Case("programs:enrollments_decide", lambda w: ["acme", w.other_program.pk], {}, "post",
         lambda w: {"decision": "approve", "enrollment": [w.outsider_enrollment.pk], "confirm": "yes"}),
    Case("api-1.0.0:get_program", lambda w: ["acme", w.other_program.pk], {}),
    Case("api-1.0.0:member_profile", lambda w: ["acme", w.outsider.pk], {}),
    Case("api-1.0.0:decide", lambda w: ["acme", w.outsider_enrollment.pk], {}, "post", lambda w: {"decision": "approve"}, True),
]


