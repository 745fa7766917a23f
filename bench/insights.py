"""Insights pages at scale: a program of 10,000 mentorships, and an organization of 50 programs.

    python bench/insights.py            # 10,000 mentorships; 50 programs of 200
    python bench/insights.py --quick    # 1,000 mentorships; 10 programs of 100

Runs on a throw-away SQLite database (or DATABASE_URL if set). Each mentorship gets a believable
history (an agreement, meetings held and missed, messages, check-ins, a goal with milestones, and
for some an evaluation and before/after self-ratings). Prints the seconds to render each page
(best of three, through the full Django stack) and its query count. Targets (issue 15): the
program health page < 1 s for 10,000 mentorships, the organization roll-up < 2 s for 50 programs.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = Path(tempfile.gettempdir()) / f"mentora-bench-insights-{os.getpid()}.sqlite3"
os.environ.setdefault("MENTORA_SQLITE_PATH", str(DB))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from mentora.accounts.models import Membership, Role, User  # noqa: E402
from mentora.core.models import Organization  # noqa: E402
from mentora.feedback.models import CheckIn, Evaluation, SelfAssessment, SelfRating  # noqa: E402
from mentora.goals.models import Goal, Milestone  # noqa: E402
from mentora.meetings.models import Meeting  # noqa: E402
from mentora.mentorships.models import (  # noqa: E402
    Agreement,
    AgreementConfirmation,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
)
from mentora.messaging.models import Conversation, Message  # noqa: E402
from mentora.profiles.models import Profile  # noqa: E402
from mentora.programs.models import Enrollment, Program, ProgramStatus  # noqa: E402

DEPARTMENTS = ["Engineering", "Product", "Data", "Sales", "Marketing", "People", "Finance", "Operations"]
SITES = ["Paris", "London", "Toronto", "São Paulo", "Bengaluru", "Singapore"]


def seed_program(org: Organization, *, pairs: int, tag: str, rng: random.Random) -> Program:
    """A program 120 days in with `pairs` mentor–mentee pairs and their histories (bulk inserts)."""
    now, today = timezone.now(), timezone.localdate()
    program = Program.objects.create(organization=org, name=f"Program {tag}", status=ProgramStatus.OPEN,
                                     starts_on=today - timedelta(days=120), ends_on=today + timedelta(days=60),
                                     roles_offered=["mentor", "mentee"])
    users = User.objects.bulk_create(User(email=f"{tag}-{i}@bench.example", full_name=f"Person {tag}-{i}")
                                     for i in range(2 * pairs))
    memberships = Membership.objects.bulk_create(Membership(user=u, organization=org, role=Role.MEMBER) for u in users)
    Profile.objects.bulk_create(Profile(membership=m, department=rng.choice(DEPARTMENTS), location=rng.choice(SITES),
                                        level=rng.randint(1, 10), timezone="UTC") for m in memberships)
    mentors, mentees = memberships[:pairs], memberships[pairs:]
    Enrollment.objects.bulk_create(
        [Enrollment(program=program, membership=m, role="mentor", status="approved", capacity=1) for m in mentors]
        + [Enrollment(program=program, membership=m, role="mentee", status="approved", decided_at=now - timedelta(days=125))
           for m in mentees])
    statuses = [MentorshipStatus.ACTIVE] * 8 + [MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY]
    chosen = [rng.choice(statuses) for _ in range(pairs)]
    mentorships = Mentorship.objects.bulk_create(
        Mentorship(program=program, kind="pair", status=status, started_on=today - timedelta(days=rng.randint(10, 120)),
                   ended_at=None if status == MentorshipStatus.ACTIVE else now - timedelta(days=rng.randint(1, 9)))
        for status in chosen)
    MentorshipMember.objects.bulk_create(
        [MentorshipMember(mentorship=ms, membership=m, role="mentor", program=program) for ms, m in zip(mentorships, mentors, strict=True)]
        + [MentorshipMember(mentorship=ms, membership=m, role="mentee", program=program) for ms, m in zip(mentorships, mentees, strict=True)])
    agreements = Agreement.objects.bulk_create(
        Agreement(mentorship=ms, version=1, mentee_wants="Grow", cadence="biweekly", session_minutes=45, channels=["video"],
                  response_time="two_days", boundaries="Private", feedback_how="Monthly", ends_on=today + timedelta(days=60))
        for ms in mentorships)
    AgreementConfirmation.objects.bulk_create(
        AgreementConfirmation(agreement=a, membership=m) for a, ms, mentor, mentee in zip(agreements, mentorships, mentors, mentees, strict=True)
        for m in ((mentor, mentee) if rng.random() < 0.8 else (mentor,)))
    meetings, messages, check_ins, goals = [], [], [], []
    conversations = Conversation.objects.bulk_create(Conversation(mentorship=ms) for ms in mentorships)
    for ms, conversation, mentor, mentee in zip(mentorships, conversations, mentors, mentees, strict=True):
        for k in range(rng.randint(0, 6)):
            starts = now - timedelta(days=rng.randint(1, 110), hours=rng.randint(0, 8))
            meetings.append(Meeting(mentorship=ms, starts_at=starts, ends_at=starts + timedelta(minutes=45), timezone="UTC",
                                    uid=f"{tag}-{ms.pk}-{k}@bench", happened=rng.choice([True, True, None, False])))
        for _k in range(rng.randint(0, 6)):
            messages.append(Message(conversation=conversation, author=rng.choice([mentor, mentee]).user, body="Hello"))
        for sequence in range(rng.randint(0, 3)):
            answered = now - timedelta(days=rng.randint(1, 80))
            check_ins.append(CheckIn(mentorship=ms, respondent=mentee, sequence=sequence + 1, due_on=answered.date(),
                                     answered_at=answered, going_well=rng.randint(1, 5), usefulness=rng.randint(1, 5),
                                     meeting_regularly=rng.random() < 0.7))
        goals.append(Goal(mentorship=ms, owner=mentee, title="Grow", description="d", measure="m", achievable="a",
                          relevance="r", target_on=today + timedelta(days=30), status=rng.choice(["not_started", "in_progress", "achieved"])))
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    Message.objects.bulk_create(messages, batch_size=2000)
    CheckIn.objects.bulk_create(check_ins, batch_size=2000)
    goals = Goal.objects.bulk_create(goals, batch_size=2000)
    Milestone.objects.bulk_create(
        (Milestone(goal=g, title=f"Step {k}", due_on=today + timedelta(days=rng.randint(-30, 30)),
                   done_at=now if rng.random() < 0.4 else None) for g in goals for k in range(2)), batch_size=2000)
    finished = [(ms, mentee) for ms, mentee in zip(mentorships, mentees, strict=True) if ms.status == MentorshipStatus.COMPLETED]
    Evaluation.objects.bulk_create(Evaluation(mentorship=ms, membership=m, satisfaction=rng.randint(2, 5), nps=rng.randint(3, 10),
                                              outcomes=rng.choice(["fully", "partly", "not"])) for ms, m in finished)
    starts = SelfAssessment.objects.bulk_create(SelfAssessment(mentorship=ms, membership=m, phase="start") for ms, m in finished)
    ends = SelfAssessment.objects.bulk_create(SelfAssessment(mentorship=ms, membership=m, phase="end") for ms, m in finished)
    SelfRating.objects.bulk_create(
        [SelfRating(assessment=a, skill=s, rating=rng.randint(1, 3)) for a in starts for s in ("Public speaking", "Delegation")]
        + [SelfRating(assessment=a, skill=s, rating=rng.randint(2, 5)) for a in ends for s in ("Public speaking", "Delegation")],
        batch_size=2000)
    return program


def timed(client: Client, url: str) -> tuple[float, int]:
    """Best of three renders through the full stack, and the query count of one."""
    best = float("inf")
    for _attempt in range(3):
        reset_queries()
        started = time.perf_counter()
        response = client.get(url)
        best = min(best, time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return best, len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    pairs, programs, program_pairs = (1_000, 10, 100) if args.quick else (10_000, 50, 200)
    call_command("migrate", verbosity=0)
    rng = random.Random(15)
    org = Organization.objects.create(name="Bench", slug="bench")
    coordinator = User.objects.create_user(email="coordinator@bench.example", password="x", full_name="Coordinator")
    Membership.objects.create(user=coordinator, organization=org, role=Role.COORDINATOR)
    started = time.perf_counter()
    big = seed_program(org, pairs=pairs, tag="big", rng=rng)
    seeded = time.perf_counter() - started
    other = Organization.objects.create(name="Many", slug="many")
    Membership.objects.create(user=coordinator, organization=other, role=Role.COORDINATOR)
    for index in range(programs):
        seed_program(other, pairs=program_pairs, tag=f"p{index}", rng=rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load; without it the planner guesses
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(coordinator)
    rows = [
        (f"program health, {pairs:,} mentorships", f"/o/bench/programs/{big.pk}/insights/", 1.0),
        (f"program health filtered (one department), {pairs:,}", f"/o/bench/programs/{big.pk}/insights/?department=Sales", 1.0),
        (f"organization roll-up, {programs} programs × {program_pairs}", "/o/many/insights/", 2.0),
    ]
    print(f"database: {connection.vendor}; seeded {pairs:,} mentorships in {seeded:.1f} s")
    print(f"{'page':<52} {'seconds':>8} {'queries':>8} {'target':>7}")
    for label, url, target in rows:
        seconds, queries = timed(client, url)
        print(f"{label:<52} {seconds:>8.3f} {queries:>8} {'< ' + str(target) + ' s':>7}{'' if seconds < target else '  MISSED'}")
    if DB.exists():
        DB.unlink()


if __name__ == "__main__":
    main()
