"""Believable histories for the demo organization: a finished pilot and a program half-way through.

`seed_demo` calls `seed_histories` once, after the people and the three upcoming programs exist. It adds

- **a finished pilot** ("Onboarding Buddies — <season> pilot", one-on-one, from about six months to
  about one month ago): 20 pairs that agreed a charter, set goals with milestones, met (and sometimes
  missed a meeting), logged sessions, answered check-ins, rated themselves before and after, and
  evaluated the program (satisfaction, NPS, outcomes). Most completed; two ended early, with a reason
  only coordinators read;
- **a running program** ("Career Growth 2026", started 100 days ago): 40 pairs that thrive, keep
  steady, go quiet (no meeting for 30–60 days, messages unanswered, check-ins falling, milestones
  overdue), have not confirmed their agreement, paused or ended early. Active pairs that meet have
  their next meeting booked;
- enrolments that tell a funnel: applied → approved (or waitlisted, not accepted, withdrawn) → matched.

The sign-in accounts and everyone the upcoming programs already hold (the circles, the pairs of
"Career Growth 2027" and its mentors) are left exactly as they were.

Nothing here emails anyone or queues work: this is the past. Pairs are made by `create_mentorship`
(which writes rows only); the rest is planned in plain data (`timeline`) and written directly in bulk
(`records`), with the times Django stamps on creation moved back afterwards. What the periodic jobs
look for (this round's check-in, a due milestone's review, unread-message digests) already exists,
marked sent, so starting the server sends nothing about the past. Dates are relative to today and
every choice comes from one seeded `random.Random`: two runs on the same day build the same history.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mentora.accounts.models import Membership, Role, User
from mentora.core.demo_history import texts
from mentora.core.demo_history.records import CHECK_IN_WEEKS, FIRST_CHECK_IN_DAYS, Rows, Writer
from mentora.core.demo_history.timeline import Clock, Pair, Planner, season, spread
from mentora.core.models import AuditEvent, Organization
from mentora.feedback.models import CheckIn, Evaluation
from mentora.feedback.services import save_feedback_settings
from mentora.meetings.models import Meeting, MeetingChannel
from mentora.mentorships.models import MentorshipMember
from mentora.mentorships.services import create_mentorship
from mentora.messaging.models import Message
from mentora.profiles.models import ProfileSkill, Skill
from mentora.programs.models import Enrollment, EnrollmentStatus, Form, Program, ProgramStatus
from mentora.programs.services import create_program, preset_for

__all__ = ["PILOT_PAIRS", "RUNNING_PAIRS", "HistoryCounts", "seed_histories"]

PILOT_PAIRS = 20
RUNNING_PAIRS = 40
# How each program's pairs fare, in proportion (a smaller demo keeps the mix).
PILOT_ARCS = {"grew": 15, "flat": 3, "ended": 2}
RUNNING_ARCS = {"thriving": 15, "steady": 12, "quiet": 8, "unconfirmed": 2, "paused": 1, "ended": 2}
# Applicants who were not matched, in each program.
UNMATCHED = [
    (EnrollmentStatus.WAITLISTED, "More mentees than mentors this time: you are first in line for the next cohort."),
    (EnrollmentStatus.WITHDRAWN, ""), (EnrollmentStatus.WAITLISTED, ""),
    (EnrollmentStatus.REJECTED, "This cohort is for people who joined Northwind this year."),
    (EnrollmentStatus.WITHDRAWN, ""),
]


# Whose side of a history is worth signing in to see (the seed command prints one mentee of each).
SHOWN_ARCS = {"grew": "a pilot pair that completed and grew", "thriving": "a thriving pair",
              "quiet": "a pair going quiet", "unconfirmed": "a pair whose agreement waits for them"}


@dataclass
class HistoryCounts:
    """What `seed_histories` made, and a few participants whose side of it is worth a look."""

    pilot_pairs: int = 0
    running_pairs: int = 0
    meetings: int = 0
    messages: int = 0
    check_ins: int = 0
    evaluations: int = 0
    examples: list[tuple[str, str]] = field(default_factory=list)  # (email, what they show)


class _Seeder:
    """Programs, enrolments and pairs (through the services), each pair's story planned then written."""

    def __init__(self, *, organization: Organization, coordinator: User, rng: random.Random) -> None:
        now = timezone.now()
        self.organization, self.coordinator, self.rng = organization, coordinator, rng
        self.clock = Clock(now=now, today=timezone.localdate(now), rng=rng)
        self.today = self.clock.today
        self.rows = Rows()
        self.wanted_skills: dict[int, list[Skill]] = defaultdict(list)
        self.planner = Planner(clock=self.clock, coordinator=coordinator)
        self.writer = Writer(organization=organization, clock=self.clock, rows=self.rows, wanted_skills=self.wanted_skills)
        self.examples: dict[str, str] = {}  # arc → the first such mentee's email

    def pools(self, sign_in_emails: Collection[str]) -> tuple[list[Membership], list[Membership]]:
        """Would-be mentors (level 6 and up) and mentees (up to 5) the upcoming programs do not hold, shuffled."""
        org = self.organization
        taken = set(MentorshipMember.objects.filter(program__organization=org).values_list("membership_id", flat=True))
        taken |= set(Enrollment.objects.filter(program__organization=org).filter(
            Q(program__form=Form.CIRCLE) | Q(role="mentor")).values_list("membership_id", flat=True))
        people = [m for m in Membership.objects.filter(organization=org, role=Role.MEMBER, is_active=True)
                  .select_related("user", "profile").order_by("pk")
                  if m.user.email not in sign_in_emails and m.pk not in taken and hasattr(m, "profile")]
        mentors = [m for m in people if (m.profile.level or 0) >= 6]
        mentees = [m for m in people if (m.profile.level or 0) <= 5]
        self.rng.shuffle(mentors)
        self.rng.shuffle(mentees)
        for wanted in (ProfileSkill.objects.filter(profile__membership__in=mentees, direction="wanted")
                       .select_related("skill").order_by("pk")):
            self.wanted_skills[wanted.profile_id].append(wanted.skill)
        return mentors, mentees

    def program(self, *, name: str, purpose: str, starts_on: date, ends_on: date, **values: Any) -> Program:
        """A program whose enrolment has closed, created (and audited) 45 days before it started."""
        program = create_program(
            organization=self.organization, created_by=self.coordinator, name=name,
            **(preset_for(purpose, starts_on=starts_on) | {"ends_on": ends_on, "status": ProgramStatus.CLOSED,
                                                           "enrollment_closes_on": starts_on - timedelta(days=7)} | values))
        save_feedback_settings(program=program, by=Membership.objects.get(organization=self.organization, user=self.coordinator),
                               first_check_in_after_days=FIRST_CHECK_IN_DAYS, check_in_every_weeks=CHECK_IN_WEEKS,
                               allow_anonymous_feedback=False, competencies=texts.COMPETENCIES[purpose])
        created = self.clock.moment(starts_on - timedelta(days=45), 10)
        Program.objects.filter(pk=program.pk).update(created_at=created)
        AuditEvent.objects.filter(organization=self.organization, target_type="programs.program",
                                  target_id=str(program.pk)).update(created_at=created)
        return program

    def enrol(self, program: Program, membership: Membership, role: str, status: str, *, capacity: int | None = None,
              decided: datetime | None = None, message: str = "") -> Enrollment:
        """An application made two to six weeks before the start, decided within a week (unless `decided`)."""
        applied = self.clock.moment(program.starts_on - timedelta(days=self.rng.randint(14, 40)), self.rng.uniform(8, 18))
        if decided is None and status in (EnrollmentStatus.APPROVED, EnrollmentStatus.WAITLISTED, EnrollmentStatus.REJECTED):
            decided = applied + timedelta(days=self.rng.randint(1, 6), hours=self.rng.randint(0, 6))
        return self.rows.add(Enrollment(
            program=program, membership=membership, role=role, status=status, capacity=capacity,
            motivation="I want to grow with guidance from someone experienced." if role == "mentee" else "",
            training_completed_at=applied - timedelta(days=self.rng.randint(5, 60)) if role == "mentor" else None,
            decided_by=self.coordinator if decided else None, decided_at=decided, decision_message=message,
        ), created_at=applied)

    def unmatched(self, program: Program, people: list[Membership]) -> None:
        for membership, (status, message) in zip(people, UNMATCHED, strict=False):
            self.enrol(program, membership, "mentee", status, message=message)

    def pair_up(self, program: Program, pairs: list[tuple[Membership, Membership]], arcs: list[str],
                *, starts: list[date]) -> None:
        """Make each pair with the mentorship service, then plan and write its history."""
        rng = self.rng
        for (mentor, mentee), arc, start in zip(pairs, arcs, starts, strict=True):
            mentorship = create_mentorship(program=program, members=[(mentor, "mentor"), (mentee, "mentee")],
                                           created_by=self.coordinator)
            same_site = mentor.profile.location == mentee.profile.location
            channel = rng.choice([MeetingChannel.IN_PERSON, MeetingChannel.VIDEO] if same_site else
                                 [MeetingChannel.VIDEO, MeetingChannel.VIDEO, MeetingChannel.PHONE])
            pair = Pair(
                mentorship=mentorship, mentor=mentor, mentee=mentee, arc=arc, purpose=program.purpose, start=start,
                matched_at=self.clock.moment(start - timedelta(days=rng.randint(1, 4)), rng.uniform(9, 17)),
                utc_hour=self.planner.usual_hour((mentor.profile.timezone, mentee.profile.timezone)),
                minutes=rng.choice([30, 45] if program.purpose == "onboarding" else [45, 60]), channel=channel,
                location=f"{mentor.profile.location} office, ground-floor café" if channel == MeetingChannel.IN_PERSON else "",
            )
            self.planner.plan(pair, program)
            self.writer.write(pair, program)
            self.examples.setdefault(arc, mentee.user.email)


def _assign(mentors: list[Membership], mentees: list[Membership]) -> list[tuple[Membership, Membership]]:
    """Mentees dealt to mentors in turn, swapping where a mentor would be the mentee's own manager."""
    pairs = [(mentors[i % len(mentors)], mentee) for i, mentee in enumerate(mentees)]

    def clash(mentor: Membership, mentee: Membership) -> bool:
        return bool(mentee.profile.manager_id == mentor.profile.pk)

    for i, (mentor, mentee) in enumerate(pairs):
        if not clash(mentor, mentee):
            continue
        for j, (other_mentor, other_mentee) in enumerate(pairs):
            if not (clash(other_mentor, mentee) or clash(mentor, other_mentee)):
                pairs[i], pairs[j] = (other_mentor, mentee), (mentor, other_mentee)
                break
    return pairs


@transaction.atomic
def seed_histories(*, organization: Organization, coordinator: User, sign_in_emails: Collection[str],
                   seed: int = 7) -> HistoryCounts:
    """Add the finished pilot and the running program, with their histories, to the demo organization."""
    seeder = _Seeder(organization=organization, coordinator=coordinator, rng=random.Random(seed * 1000 + 15))
    rng, today = seeder.rng, seeder.today
    mentors, mentees = seeder.pools(sign_in_emails)

    extras = min(len(UNMATCHED), len(mentees) // 8)  # applicants per program who were not matched
    pilot_n = max(0, min(PILOT_PAIRS, (len(mentees) - 2 * extras) // 3, len(mentors) // 2))
    running_n = max(0, min(RUNNING_PAIRS, len(mentees) - 2 * extras - pilot_n, 2 * (len(mentors) - pilot_n)))
    # A few mentors take two mentees (more when mentors are short).
    doubles = min(running_n // 2, max(running_n // 7, running_n - (len(mentors) - pilot_n)))
    running_mentors = mentors[pilot_n: pilot_n + running_n - doubles]
    unmatched = mentees[pilot_n + running_n:]

    if pilot_n:
        starts_on = today - timedelta(days=183)
        pilot = seeder.program(name=f"Onboarding Buddies — {season(starts_on)} pilot", purpose="onboarding",
                               starts_on=starts_on, ends_on=today - timedelta(days=30), is_pilot=True,
                               mentor_capacity_default=1, target_match_percent=90, target_meetings_per_month=2,
                               target_nps=40, target_completion_percent=85)
        pairs = _assign(mentors[:pilot_n], mentees[:pilot_n])
        for mentor, mentee in pairs:
            seeder.enrol(pilot, mentor, "mentor", EnrollmentStatus.APPROVED, capacity=1)
            seeder.enrol(pilot, mentee, "mentee", EnrollmentStatus.APPROVED)
        seeder.unmatched(pilot, unmatched[:extras])
        seeder.rows.save(Enrollment)
        seeder.pair_up(pilot, pairs, spread(PILOT_ARCS, pilot_n),
                       starts=[starts_on + timedelta(days=rng.randint(0, 7)) for _pair in pairs])
    if running_n:
        starts_on = today - timedelta(days=100)
        running = seeder.program(name="Career Growth 2026", purpose="career", starts_on=starts_on,
                                 ends_on=starts_on + timedelta(days=180), matching_mode="coordinator")
        pairs = _assign(running_mentors, mentees[pilot_n: pilot_n + running_n])
        arcs = spread(RUNNING_ARCS, running_n)
        load: dict[int, int] = defaultdict(int)
        for mentor, _mentee in pairs:
            load[mentor.pk] += 1
        for index, mentor in enumerate(running_mentors):
            spare = index % 4 == 0  # some offered a place nobody took
            seeder.enrol(running, mentor, "mentor", EnrollmentStatus.APPROVED, capacity=load[mentor.pk] + spare)
        starts = []
        for index, ((_mentor, mentee), arc) in enumerate(zip(pairs, arcs, strict=True)):
            late = arc == "unconfirmed" and "unconfirmed" not in arcs[:index]
            # The late match waited on the list until a mentor offered another place.
            decided = seeder.clock.moment(today - timedelta(days=23), 11) if late else None
            seeder.enrol(running, mentee, "mentee", EnrollmentStatus.APPROVED, decided=decided)
            starts.append(today - timedelta(days=18) if late else starts_on + timedelta(days=rng.randint(0, 9)))
        seeder.unmatched(running, unmatched[extras: 2 * extras])
        seeder.rows.save(Enrollment)
        seeder.pair_up(running, pairs, arcs, starts=starts)
    seeder.writer.save()
    in_org = Q(mentorship__program__organization=organization)
    return HistoryCounts(
        pilot_pairs=pilot_n, running_pairs=running_n, meetings=Meeting.objects.filter(in_org).count(),
        messages=Message.objects.filter(conversation__mentorship__program__organization=organization).count(),
        check_ins=CheckIn.objects.filter(in_org).count(), evaluations=Evaluation.objects.filter(in_org).count(),
        examples=[(seeder.examples[arc], words) for arc, words in SHOWN_ARCS.items() if arc in seeder.examples],
    )
