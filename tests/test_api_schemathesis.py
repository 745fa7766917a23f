"""The whole API under Schemathesis: generated valid and invalid input for every operation, and
chains of calls along the links it infers, sent as a real user of a seeded organization (so most
calls reach real objects, not just a 404) — every check on every answer: no server error; status,
content type, headers and body as documented.

PostgreSQL only: it is the production database, and the one whose refusals (NUL in text, integers
out of range, offsets beyond ±15:59) used to surface as 500s. The SQLite stage of bin/test skips it;
the PostgreSQL stage (DATABASE_URL) runs it. A fixed seed and a bounded number of examples keep it
to a minute or two and make a failure reproducible: the report prints a curl command for it.

Real objects: Schemathesis draws ids from "dictionaries" most of the time. The seeded ids only
exist once each test has built its database, so the dictionaries hold stand-ins (`STAND_IN_BASE`
+ n) that the test swaps for the seeded ids just before each call.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from mentora.accounts.models import ApiToken, Role, hash_token
from mentora.feedback.models import CheckIn
from mentora.matching.models import MatchRun, MatchRunStatus, MentorshipRequest, ProposedMatch
from mentora.meetings.services import book_meeting
from mentora.mentorships.sessions import log_session
from mentora.profiles.models import Skill
from tests.conftest import World
from tests.relationship_fixtures import (
    evidence_file_of,
    item_of,
    milestone_with_quiz,
    proposed_agreement,
    reviewed_milestone,
)

# Fixed for CI; to hunt further, raise the examples or change the seed from the environment.
SEED = int(os.environ.get("MENTORA_SCHEMATHESIS_SEED", "20261204"))
MAX_EXAMPLES = int(os.environ.get("MENTORA_SCHEMATHESIS_EXAMPLES", "15"))  # fuzzed cases per operation
STATEFUL_SCENARIOS = MAX_EXAMPLES
TOKEN = "mnt_schemathesis-seeded-caller"  # stored hashed like every token; fixed so the config can carry it
STAND_IN_BASE = 7_000_000
# Kind of id → how many seeded objects of it the caller may reach.
SEEDED = {"program": 1, "enrollment": 2, "mentorship": 1, "member": 2, "goal": 1, "milestone": 1, "item": 1,
          "evidence": 1, "meeting": 1, "check_in": 1, "request": 1, "run": 1, "session_log": 1, "skill": 1}
# Where Schemathesis meets each kind: path parameters and body fields.
BINDINGS = {f"path.{kind}_id": kind for kind in SEEDED} | {
    "body.recipient_id": "member", "body.mentor_id": "member", "body.goal_id": "goal", "body.milestone_id": "milestone",
    "body.session_log_id": "session_log", "body.next_steps_goal_id": "goal", "body.skill_id": "skill",
    "body.skills_offered[*].skill_id": "skill", "body.skills_wanted[*].skill_id": "skill",
}


def _stand_ins() -> dict[str, list[int]]:
    return {kind: [STAND_IN_BASE + 100 * index + n for n in range(count)]
            for index, (kind, count) in enumerate(SEEDED.items())}


def _plausible_times() -> dict[str, list[str]]:
    """Dates and times the domain accepts (a meeting ahead, a session behind), so writes get through."""
    today, now = timezone.localdate(), timezone.now().replace(minute=0, second=0, microsecond=0)
    return {"future_date": [(today + timedelta(days=d)).isoformat() for d in (30, 75)],
            "past_date": [(today - timedelta(days=2)).isoformat()],
            "future_time": [(now + timedelta(days=d, hours=1)).isoformat() for d in (2, 9)]}


CONFIG = SchemathesisConfig.from_dict({
    "seed": SEED,
    "headers": {"Authorization": f"Bearer {TOKEN}"},
    "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "database": "none"},
    "phases": {"stateful": {"max-steps": 6}},
    # Schema-valid input the API still refuses, by design: control characters, refused at the edge
    # in every text (400), and the rules of the domain a schema cannot say — a start in the past,
    # a role the program does not offer, a second answer (422). Every other check runs as it comes.
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422"]}},
    # The one upload: Schemathesis fills a negated `file` with a real PDF's magic bytes it reads in
    # our source ("constants"), so its "invalid" upload is a valid one, rightly accepted.
    "operations": [{"include-path": "/api/orgs/{org}/goals/{goal_id}/evidence/file",
                    "checks": {"negative_data_rejection": {"enabled": False}}}],
    "dictionaries": {"org": {"values": ["acme"]}, "version": {"values": [1]}}
    | {kind: {"values": ids} for kind, ids in _stand_ins().items()}
    | {name: {"values": values} for name, values in _plausible_times().items()},
    "parameters": {"path.org": {"dictionary": "org", "probability": 0.85},
                   "path.version": {"dictionary": "version", "probability": 0.85}}
    | {key: {"dictionary": kind, "probability": 0.85 if key.startswith("path.") else 0.6} for key, kind in BINDINGS.items()}
    | {f"body.{name}": {"dictionary": "future_date", "probability": 0.6}
       for name in ("starts_on", "ends_on", "target_on", "due_on", "enrollment_closes_on")}
    | {"body.held_on": {"dictionary": "past_date", "probability": 0.6},
       "body.starts_at": {"dictionary": "future_time", "probability": 0.6}},
})
pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="PostgreSQL only: the PostgreSQL stage of bin/test runs it (DATABASE_URL=postgres://…)"),
]
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application(), config=CONFIG)


def _seeded_ids(world: World) -> dict[str, list[int]]:
    """Kind → the ids of seeded objects the caller (world.mentor) may reach."""
    milestone = milestone_with_quiz(world)
    reviewed_milestone(world)
    proposed_agreement(world)
    meeting = book_meeting(mentorship=world.mentorship, booked_by=world.mentor.user,
                           starts_at=timezone.now().replace(microsecond=0) + timedelta(days=3))
    session_log = log_session(mentorship=world.mentorship, author=world.mentor, held_on=timezone.localdate(),
                              duration_minutes=45, channel="video", topics="Presenting", shared_note="Went well")
    check_in = CheckIn.objects.create(mentorship=world.mentorship, respondent=world.mentor, sequence=1,
                                      due_on=timezone.localdate(), sent_at=timezone.now())
    request = MentorshipRequest.objects.create(program=world.program, mentee=world.mentee, mentor=world.mentor,
                                               message="Would you mentor me?")
    run = MatchRun.objects.create(program=world.program, status=MatchRunStatus.DONE, created_by=world.coordinator.user,
                                  quality={"matched": 1}, finished_at=timezone.now())
    ProposedMatch.objects.create(run=run, mentee=world.mentee, mentor=world.mentor, score=0.8)
    skill = Skill.objects.filter(organization__isnull=True).order_by("pk").first()
    assert skill is not None
    return {
        "program": [world.program.pk], "enrollment": [world.mentor_enrollment.pk, world.mentee_enrollment.pk],
        "mentorship": [world.mentorship.pk], "member": [world.mentee.pk, world.mentor.pk],
        "goal": [milestone.goal_id], "milestone": [milestone.pk], "item": [item_of(world).pk],
        "evidence": [evidence_file_of(world).pk], "meeting": [meeting.pk], "check_in": [check_in.pk],
        "request": [request.pk], "run": [run.pk], "session_log": [session_log.pk], "skill": [skill.pk],
    }


@pytest.fixture
def seeded(world: World) -> Iterator[dict[int, int]]:
    """Stand-in → seeded id, in a database with one of everything and the caller's token."""
    caller = world.mentor  # a coordinator who also mentors: reaches management and the relationship alike
    caller.role = Role.COORDINATOR
    caller.save(update_fields=["role"])
    ApiToken.objects.create(user=caller.user, name="schemathesis", key_hash=hash_token(TOKEN), prefix=TOKEN[4:12])
    ids = _seeded_ids(world)
    real = {stand_in: ids[kind][n] for kind, stand_ins in _stand_ins().items() for n, stand_in in enumerate(stand_ins)}
    # Requests go straight to the WSGI handler, inside the test's transaction: like Django's test
    # client, keep the handler from closing the connection at the start and end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield real
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _swap_stand_ins(case: Any, real: dict[int, int]) -> None:
    def swap(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            return [swap(v) for v in value] if isinstance(value, list) else value
        return real.get(value, value)

    if case.path_parameters:
        case.path_parameters = {name: swap(value) for name, value in case.path_parameters.items()}
    if isinstance(case.body, dict):
        case.body = {name: ({k: swap(v) for k, v in value.items()} if isinstance(value, dict) else swap(value))
                     for name, value in case.body.items()}
        for key in ("skills_offered", "skills_wanted"):
            if isinstance(case.body.get(key), list):
                case.body[key] = [{k: swap(v) for k, v in item.items()} if isinstance(item, dict) else item
                                  for item in case.body[key]]


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)
def test_every_operation_answers_as_documented(case: Any, seeded: dict[int, int]) -> None:
    _swap_stand_ins(case, seeded)
    case.call_and_validate()


def test_chains_of_calls_answer_as_documented(seeded: dict[int, int]) -> None:
    """Stateful: what one call creates (a program, a goal, a meeting…) feeds the next call."""

    class SeededWorkflow(schema.as_state_machine()):  # type: ignore[misc]
        # Each scenario starts from the same seeded database: Hypothesis replays scenarios to
        # shrink a failure, and one that found another's leftovers would take another path.
        def setup(self) -> None:
            self.savepoint = transaction.savepoint()

        def teardown(self) -> None:
            transaction.savepoint_rollback(self.savepoint)

        def before_call(self, case: Any) -> None:
            _swap_stand_ins(case, seeded)

    SeededWorkflow.run(settings=settings(SeededWorkflow.TestCase.settings, max_examples=STATEFUL_SCENARIOS,
                                         stateful_step_count=6, deadline=None,
                                         suppress_health_check=list(HealthCheck)))
