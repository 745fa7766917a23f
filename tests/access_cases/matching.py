"""Access-matrix entries for matching: coordinators run it; participants see only their own."""

from tests.access_cases import ANY_MEMBER, COORDINATORS, MISSING, OK, REDIRECT, ROLES, Case

POSTED = {**COORDINATORS, "coordinator": REDIRECT, "admin": REDIRECT}
NOBODY_BUT = {**dict.fromkeys(ROLES, MISSING), "anonymous": REDIRECT}


def _run(w):  # type: ignore[no-untyped-def]
    from mentora.matching.models import MatchRun

    run = MatchRun.objects.create(program=w.program, status="done", input_snapshot={"form": "one_on_one", "mentees": [], "mentors": []})
    return ["acme", w.program.pk, run.pk]


def _hybrid(w):  # type: ignore[no-untyped-def]
    w.program.matching_mode = "hybrid"
    w.program.save()
    w.mentee_enrollment.status = "approved"
    w.mentee_enrollment.save()
    return ["acme", w.program.pk]


def _request(w):  # type: ignore[no-untyped-def]
    from mentora.matching.models import MentorshipRequest

    r = MentorshipRequest.objects.create(program=w.program, mentee=w.mentee, mentor=w.mentor, message="Hi")
    return ["acme", r.pk]


CASES: list[Case] = [
    Case("matching:settings", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("matching:runs", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("matching:run_start", lambda w: ["acme", w.program.pk], POSTED, "post"),
    Case("matching:compare", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("matching:run_detail", _run, COORDINATORS),
    Case("matching:run_adjust", _run, POSTED, "post", lambda w: {"action": "remove", "proposal": 0}),
    Case("matching:run_publish", _run, POSTED, "post"),
    Case("matching:run_publish", _run, COORDINATORS),  # the confirmation page
    Case("matching:suggestions", _hybrid, {**NOBODY_BUT, "mentee": OK}),
    Case("matching:request_create", lambda w: [*_hybrid(w), w.mentor.pk], {**ANY_MEMBER, **{r: REDIRECT for r in ("member", "mentor", "mentee", "coordinator", "admin")}},
         "post", lambda w: {"message": "Hello"}),
    Case("matching:requests", lambda w: ["acme"], ANY_MEMBER),
    Case("matching:request_respond", _request, {**NOBODY_BUT, "mentor": REDIRECT}, "post", lambda w: {"action": "decline", "reply": "Busy"}),
    Case("matching:request_answer", _request, {**NOBODY_BUT, "mentee": REDIRECT}, "post", lambda w: {"answer": "x"}),
    Case("matching:request_withdraw", _request, {**NOBODY_BUT, "mentee": REDIRECT}, "post"),
]

API_COORD = {**COORDINATORS, "anonymous": 401}
API_NOBODY_BUT = {**dict.fromkeys(ROLES, MISSING), "anonymous": 401}

CASES += [
    Case("api-1.0.0:list_runs", lambda w: ["acme", w.program.pk], API_COORD),
    Case("api-1.0.0:create_run", lambda w: ["acme", w.program.pk], {**API_COORD, "coordinator": 422, "admin": 422}, "post"),
    Case("api-1.0.0:get_run", _run, API_COORD),
    Case("api-1.0.0:publish_summary", _run, API_COORD),
    # Not the summary's confirmation: a coordinator is refused (409), everyone else finds nothing.
    Case("api-1.0.0:publish", _run, {**API_COORD, "coordinator": 409, "admin": 409}, "post",
         lambda w: {"confirmation": "0000"}, True),
    Case("api-1.0.0:my_suggestions", _hybrid, {**API_NOBODY_BUT, "mentee": OK}),
    Case("api-1.0.0:create_request", _hybrid, {**API_NOBODY_BUT, "mentee": 409, "member": 404, "mentor": 404,
                                                "coordinator": 404, "admin": 404}, "post",
         lambda w: {"mentor_id": w.mentor.pk, "message": "Hello"}, True),
    Case("api-1.0.0:list_requests", lambda w: ["acme"], {**ANY_MEMBER, "anonymous": 401}),
    Case("api-1.0.0:respond", _request, {**API_NOBODY_BUT, "mentor": OK}, "post", lambda w: {"action": "decline", "reply": "x"}, True),
]


def _peer_program(w):  # type: ignore[no-untyped-def]
    from tests.factories import EnrollmentFactory, ProgramFactory

    program = ProgramFactory(organization=w.org, form="peer", roles_offered=["peer"])
    EnrollmentFactory(program=program, membership=w.member, role="peer")
    return ["acme", program.pk]


CASES += [
    Case("matching:round_run", _peer_program, POSTED, "post"),
    Case("matching:round_run", _peer_program, COORDINATORS),  # the confirmation page
    Case("matching:round_pause", _peer_program, {**ANY_MEMBER, "member": REDIRECT, "mentor": REDIRECT, "mentee": REDIRECT,
                                                 "coordinator": REDIRECT, "admin": REDIRECT}, "post", lambda w: {"action": "skip"}),
]
