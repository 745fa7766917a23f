"""Believable histories for the demo organization: a finished pilot and a program half-way through.

`seed_demo` calls `seed_histories` once, after the people and the three upcoming programs exist. It adds

- **a finished pilot** ("Onboarding Buddies — <season> pilot", one-on-one, from about six months to
  about one month ago): about 20 pairs that agreed a charter, set goals with milestones, met (and
  sometimes missed a meeting), logged sessions, answered check-ins, rated themselves before and after,
  and evaluated the program (satisfaction, NPS, outcomes). Most completed; a few ended early, with a
  reason only coordinators read;
- **a running program** ("Career Growth 2026", started about 100 days ago): about 40 pairs that thrive,
  keep steady, go quiet (no meeting for 30–60 days, messages unanswered, check-ins falling, milestones
  overdue), have not confirmed their agreement, paused or ended early. Active pairs have their next
  meeting booked;
- enrolments that tell a funnel: applied → approved (or waitlisted, not accepted, withdrawn) → matched.

The sign-in accounts and everyone the upcoming programs already hold (the circles, the pairs of
"Career Growth 2027" and its mentors) are left exactly as they were.

Nothing here emails anyone or queues work: this is the past. Pairs are made by `create_mentorship`
(which writes rows only); the rest is written directly in bulk, and the times Django stamps on
creation (`auto_now_add`) are moved back afterwards with bulk updates. What the periodic jobs look
for (this round's check-in, a due milestone's review, unread-message digests) already exists, marked
sent, so starting the server sends nothing about the past. Dates are relative to today and every
choice comes from one seeded `random.Random`: two runs on the same day build the same history.
"""

from __future__ import annotations

import random
import zoneinfo
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from mentora.accounts.models import Membership, Role, User
from mentora.core import demo_texts as words
from mentora.core.models import AuditEvent, Organization
from mentora.feedback.models import CheckIn, Evaluation, Feedback, FeedbackKind, SelfAssessment, SelfRating
from mentora.feedback.services import check_in_due_dates, save_feedback_settings
from mentora.goals.models import Goal, GoalStatus, Milestone, MilestoneReview
from mentora.goals.reviews import REVIEW_WINDOW
from mentora.meetings.models import Attendee, Meeting, MeetingChannel, MeetingStatus, new_uid
from mentora.mentorships.models import (
    Agreement,
    AgreementConfirmation,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    MentorshipTransition,
    ResponseTime,
    SessionLog,
)
from mentora.mentorships.services import create_mentorship, release_seat
from mentora.messaging.models import Conversation, Message, ReadMarker
from mentora.profiles.models import Cadence, ProfileSkill, Skill
from mentora.programs.models import Enrollment, EnrollmentStatus, Form, Program, ProgramStatus
from mentora.programs.services import create_program, preset_for

__all__ = ["PILOT_PAIRS", "RUNNING_PAIRS", "HistoryCounts", "seed_histories"]

PILOT_PAIRS = 20
RUNNING_PAIRS = 40
# How each program's pairs fare, in proportion (a smaller demo keeps the mix).
PILOT_ARCS = {"grew": 15, "flat": 3, "ended": 2}
RUNNING_ARCS = {"thriving": 14, "steady": 12, "quiet": 8, "unconfirmed": 2, "paused": 1, "ended": 2}
CHECK_IN_WEEKS = 4
FIRST_CHECK_IN_DAYS = 14

ModelT = TypeVar("ModelT", bound=models.Model)


@dataclass
class HistoryCounts:
    """What `seed_histories` made (the seed command reports it)."""

    pilot_pairs: int = 0
    running_pairs: int = 0
    meetings: int = 0
    messages: int = 0
    check_ins: int = 0
    evaluations: int = 0


@dataclass
class _Pair:
    mentorship: Mentorship
    mentor: Membership
    mentee: Membership
    arc: str
    purpose: str
    start: date
    matched_at: datetime
    utc_hour: int
    minutes: int
    channel: str
    location: str
    status: str = MentorshipStatus.ACTIVE
    ended_at: datetime | None = None
    quiet_since: date | None = None
    paused: tuple[date, date | None] | None = None
    meetings: list[tuple[datetime, str]] = field(default_factory=list)  # (starts_at, held / missed / cancelled / booked)
    sessions: list[date] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    goal_skills: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status in (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)

    def first_names(self) -> dict[str, str]:
        return {"mentor": self.mentor.user.display_name.split()[0], "mentee": self.mentee.user.display_name.split()[0]}


class _Rows:
    """Rows to bulk-create, model by model, with the creation times to put back afterwards."""

    def __init__(self) -> None:
        self.rows: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.stamps: dict[type[models.Model], list[tuple[models.Model, str, datetime]]] = defaultdict(list)

    def add(self, row: ModelT, **stamps: datetime) -> ModelT:
        self.rows[type(row)].append(row)
        self.stamps[type(row)] += [(row, name, value) for name, value in stamps.items()]
        return row

    def save(self, *order: type[models.Model]) -> None:
        for model in order:
            rows = self.rows.pop(model, [])
            if model is Message:  # ids grow with time, as read markers and "unanswered" assume
                when = {id(row): value for row, _name, value in self.stamps[model]}
                rows.sort(key=lambda row: when[id(row)])
            model._default_manager.bulk_create(rows, batch_size=500)
            by_field: dict[str, list[models.Model]] = defaultdict(list)
            for row, name, value in self.stamps.pop(model, []):
                setattr(row, name, value)
                by_field[name].append(row)
            for name, stamped in by_field.items():
                model._default_manager.bulk_update(stamped, [name], batch_size=500)


class _Calendar:
    """Everyone's booked times, so nobody is double-booked (the database would refuse it)."""

    def __init__(self) -> None:
        self.busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)

    def claim(self, user_ids: Sequence[int], starts_at: datetime, minutes: int) -> datetime:
        """The first weekday from `starts_at` (same time of day) when all are free; booked for them."""
        while True:
            while starts_at.weekday() >= 5:
                starts_at += timedelta(days=1)
            ends_at = starts_at + timedelta(minutes=minutes)
            if not any(s < ends_at and starts_at < e for user in user_ids for s, e in self.busy[user]):
                for user in user_ids:
                    self.busy[user].append((starts_at, ends_at))
                return starts_at
            starts_at += timedelta(days=1)


def _spread(arcs: dict[str, int], n: int) -> list[str]:
    """`n` arcs in the proportions given, interleaved so any prefix keeps the mix.

    >>> _spread({"a": 2, "b": 1}, 6)
    ['a', 'b', 'a', 'a', 'b', 'a']
    """
    total = sum(arcs.values())
    given: dict[str, int] = dict.fromkeys(arcs, 0)
    order = []
    for i in range(1, n + 1):
        arc = max(arcs, key=lambda a: arcs[a] * i / total - given[a])
        given[arc] += 1
        order.append(arc)
    return order


def _season(day: date) -> str:
    return ("winter", "spring", "summer", "autumn")[(day.month % 12) // 3]


class _History:
    def __init__(self, *, organization: Organization, coordinator: User, rng: random.Random) -> None:
        self.organization = organization
        self.coordinator = coordinator
        self.coordinator_membership = Membership.objects.get(organization=organization, user=coordinator)
        self.rng = rng
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.rows = _Rows()
        self.calendar = _Calendar()
        self.pairs: list[_Pair] = []
        self.flags_left = 4
        self.wanted_skills: dict[int, list[Skill]] = defaultdict(list)
        self.read_markers: list[tuple[Conversation, _Pair, list[Message], Membership | None]] = []

    # --- time -------------------------------------------------------------------------------------

    def moment(self, day: date, hour: float) -> datetime:
        """`day` at `hour` UTC, never later than a minute ago (history is in the past)."""
        at = datetime.combine(day, time(0), tzinfo=UTC) + timedelta(hours=hour)
        return min(at, self.now - timedelta(minutes=1))

    def later(self, after: datetime, *, hours: tuple[float, float]) -> datetime | None:
        """A moment some hours after `after`, or None if it would be in the future."""
        at = after + timedelta(hours=self.rng.uniform(*hours))
        return at if at < self.now - timedelta(minutes=1) else None

    # --- people and programs ----------------------------------------------------------------------

    def pools(self, sign_in_emails: Collection[str]) -> tuple[list[Membership], list[Membership]]:
        """Mentors and mentees the upcoming programs do not hold, shuffled."""
        org = self.organization
        taken = set(MentorshipMember.objects.filter(program__organization=org).values_list("membership_id", flat=True))
        taken |= set(Enrollment.objects.filter(program__organization=org).filter(
            models.Q(program__form=Form.CIRCLE) | models.Q(role="mentor")).values_list("membership_id", flat=True))
        people = [m for m in Membership.objects.filter(organization=org, role=Role.MEMBER, is_active=True)
                  .select_related("user", "profile").order_by("pk")
                  if m.user.email not in sign_in_emails and m.pk not in taken and hasattr(m, "profile")]
        mentors = [m for m in people if (m.profile.level or 0) >= 6]
        mentees = [m for m in people if (m.profile.level or 0) <= 5]
        self.rng.shuffle(mentors)
        self.rng.shuffle(mentees)
        return mentors, mentees

    def program(self, *, name: str, purpose: str, starts_on: date, ends_on: date, **values: Any) -> Program:
        program = create_program(
            organization=self.organization, created_by=self.coordinator, name=name,
            **(preset_for(purpose, starts_on=starts_on) | {"ends_on": ends_on, "status": ProgramStatus.CLOSED,
                                                           "enrollment_closes_on": starts_on - timedelta(days=7)} | values))
        save_feedback_settings(program=program, by=self.coordinator_membership, first_check_in_after_days=FIRST_CHECK_IN_DAYS,
                               check_in_every_weeks=CHECK_IN_WEEKS, allow_anonymous_feedback=False,
                               competencies=words.COMPETENCIES[purpose])
        created = self.moment(starts_on - timedelta(days=45), 10)
        Program.objects.filter(pk=program.pk).update(created_at=created)
        AuditEvent.objects.filter(organization=self.organization, target_type="programs.program",
                                  target_id=str(program.pk)).update(created_at=created)
        return program

    def enrol(self, program: Program, membership: Membership, role: str, status: str, *, capacity: int | None = None,
              decided: datetime | None = None, message: str = "") -> Enrollment:
        applied = self.moment(program.starts_on - timedelta(days=self.rng.randint(14, 40)), self.rng.uniform(8, 18))
        if decided is None and status in (EnrollmentStatus.APPROVED, EnrollmentStatus.WAITLISTED, EnrollmentStatus.REJECTED):
            decided = applied + timedelta(days=self.rng.randint(1, 6), hours=self.rng.randint(0, 6))
        enrollment = Enrollment(
            program=program, membership=membership, role=role, status=status, capacity=capacity,
            motivation="I want to grow with guidance from someone experienced." if role == "mentee" else "",
            training_completed_at=applied - timedelta(days=self.rng.randint(5, 60)) if role == "mentor" else None,
            decided_by=self.coordinator if decided else None, decided_at=decided, decision_message=message,
        )
        return self.rows.add(enrollment, created_at=applied)

    def funnel(self, program: Program, extras: list[Membership]) -> None:
        """Applicants who were not matched: waitlisted, not accepted, withdrawn."""
        plan = [(EnrollmentStatus.WAITLISTED, "More mentees than mentors this time: you are first in line for the next cohort."),
                (EnrollmentStatus.WITHDRAWN, ""), (EnrollmentStatus.WAITLISTED, ""),
                (EnrollmentStatus.REJECTED, "This cohort is for people who joined Northwind this year."),
                (EnrollmentStatus.WITHDRAWN, "")]
        for membership, (status, message) in zip(extras, plan, strict=False):
            self.enrol(program, membership, "mentee", status, message=message)

    # --- pairs --------------------------------------------------------------------------------------

    def pair_up(self, program: Program, pairs: list[tuple[Membership, Membership]], arcs: list[str],
                *, starts: list[date]) -> None:
        """Make each pair with the mentorship service, then its history."""
        for (mentor, mentee), arc, start in zip(pairs, arcs, starts, strict=True):
            mentorship = create_mentorship(program=program, members=[(mentor, "mentor"), (mentee, "mentee")],
                                           created_by=self.coordinator)
            zones = (mentor.profile.timezone, mentee.profile.timezone)
            same_site = mentor.profile.location == mentee.profile.location
            channel = self.rng.choice([MeetingChannel.IN_PERSON, MeetingChannel.VIDEO] if same_site else
                                      [MeetingChannel.VIDEO, MeetingChannel.VIDEO, MeetingChannel.PHONE])
            pair = _Pair(
                mentorship=mentorship, mentor=mentor, mentee=mentee, arc=arc, purpose=program.purpose, start=start,
                matched_at=self.moment(start - timedelta(days=self.rng.randint(1, 4)), self.rng.uniform(9, 17)),
                utc_hour=self.usual_hour(zones), minutes=self.rng.choice([30, 45] if program.purpose == "onboarding" else [45, 60]),
                channel=channel, location=f"{mentor.profile.location} office, ground-floor café" if channel == MeetingChannel.IN_PERSON else "",
            )
            self.pairs.append(pair)
            self.story(pair, program)

    def usual_hour(self, zones: tuple[str, str]) -> int:
        """A UTC hour inside both people's working day when there is one (else the mentor's)."""
        def local(hour: int, zone: str) -> int:
            return datetime.combine(self.today, time(hour), tzinfo=UTC).astimezone(zoneinfo.ZoneInfo(zone)).hour

        for low, high, who in ((9, 17, zones), (8, 20, zones), (9, 17, zones[:1])):
            hours = [h for h in range(24) if all(low <= local(h, z) < high for z in who)]
            if hours:
                return self.rng.choice(hours)
        return 12

    # --- one pair's history -------------------------------------------------------------------------

    def story(self, pair: _Pair, program: Program) -> None:
        arc, rng, today = pair.arc, self.rng, self.today
        start, end = pair.start, program.ends_on
        first = start + timedelta(days=rng.randint(2, 6))
        if arc in ("grew", "flat"):
            if arc == "grew" and not any(p.paused for p in self.pairs if p.purpose == pair.purpose):
                paused_on = start + timedelta(days=rng.randint(50, 70))
                pair.paused = (paused_on, paused_on + timedelta(days=21))
            self.meet(pair, first=first, until=end - timedelta(days=2), every=14 if arc == "grew" else 20,
                      held=0.88 if arc == "grew" else 0.7)
            self.close(pair, MentorshipStatus.COMPLETED, self.moment(end + timedelta(days=1), 2), actor=None,
                       reason="The end date was reached.")
        elif arc == "ended":
            ended_on = (start + timedelta(days=rng.randint(35, 80)) if program.ends_on < today
                        else today - timedelta(days=rng.randint(25, 50)))
            self.meet(pair, first=first, until=ended_on - timedelta(days=14), every=18, held=0.55)
            self.close(pair, MentorshipStatus.ENDED_EARLY, self.moment(ended_on, rng.uniform(9, 17)),
                       actor=self.coordinator, reason=words.PRIVATE_END_REASONS[len(self.pairs) % 3], private=True)
        elif arc == "thriving":
            self.meet(pair, first=first, until=today - timedelta(days=16), every=14, held=0.92)
            self.meet_once(pair, today - timedelta(days=rng.randint(2, 12)), "held")
            self.book_next(pair, every=14)
        elif arc == "steady":
            self.meet(pair, first=first, until=today - timedelta(days=30), every=rng.choice([21, 24, 28]), held=0.8)
            self.meet_once(pair, today - timedelta(days=rng.randint(5, 19)), "held")
            self.book_next(pair, every=21)
        elif arc == "quiet":
            pair.quiet_since = today - timedelta(days=rng.randint(30, 60))
            self.meet(pair, first=first, until=pair.quiet_since - timedelta(days=18), every=21, held=0.8)
            self.meet_once(pair, pair.quiet_since, "held")
            if rng.random() < 0.6:
                self.meet_once(pair, pair.quiet_since + timedelta(days=rng.randint(12, 20)), "missed")
        elif arc == "paused":
            paused_on = today - timedelta(days=rng.randint(15, 30))
            pair.paused = (paused_on, None)
            self.meet(pair, first=first, until=paused_on - timedelta(days=5), every=21, held=0.85)
            pair.status = MentorshipStatus.PAUSED
        elif arc == "unconfirmed":
            if sum(p.arc == "unconfirmed" for p in self.pairs) == 1:  # a late match, from the waitlist
                self.meet_once(pair, today - timedelta(days=rng.randint(5, 9)), "held")
                self.book_next(pair, every=14)
            else:  # matched with everyone else, and the agreement was never settled
                self.meet(pair, first=first + timedelta(days=7), until=today - timedelta(days=28), every=30, held=0.6)
        self.write(pair, program)

    def meet(self, pair: _Pair, *, first: date, until: date, every: int, held: float) -> None:
        day = first
        while day <= until:
            if pair.paused and pair.paused[0] <= day and (pair.paused[1] is None or day <= pair.paused[1]):
                if pair.paused[1] is None:
                    return
                day = pair.paused[1] + timedelta(days=3)
                continue
            roll = self.rng.random()
            outcome = "held" if roll < held else "cancelled" if roll < held + (1 - held) / 2 else "missed"
            starts_at = self.meet_once(pair, day, outcome)
            if starts_at is None:
                return
            day = starts_at.date() + timedelta(days=every + self.rng.randint(-2, 2))

    def meet_once(self, pair: _Pair, day: date, outcome: str) -> datetime | None:
        starts_at = datetime.combine(day, time(pair.utc_hour, self.rng.choice([0, 30])), tzinfo=UTC)
        users = [pair.mentor.user_id, pair.mentee.user_id]
        past = outcome != "booked"
        if past and starts_at + timedelta(minutes=pair.minutes) >= self.now:
            return None
        starts_at = self.calendar.claim(users, starts_at, pair.minutes)
        if past and starts_at + timedelta(minutes=pair.minutes) >= self.now:
            outcome = "booked"  # moved past today by a clash: it is simply the next meeting
        pair.meetings.append((starts_at, outcome))
        if outcome == "held" and self.rng.random() < 0.75:
            pair.sessions.append(starts_at.date())
        return starts_at

    def book_next(self, pair: _Pair, *, every: int) -> None:
        last = max((s for s, _o in pair.meetings), default=self.now)
        day = max(last.date() + timedelta(days=every), self.today + timedelta(days=self.rng.randint(1, 4)))
        self.meet_once(pair, day, "booked")

    def close(self, pair: _Pair, status: str, at: datetime, *, actor: User | None, reason: str, private: bool = False) -> None:
        pair.status, pair.ended_at = status, at
        pair.meetings = [(s, o) for s, o in pair.meetings if s < at]
        pair.sessions = [d for d in pair.sessions if d <= at.date()]
        self.transition(pair, MentorshipStatus.ACTIVE, status, at, actor=actor, reason=reason, private=private)

    def transition(self, pair: _Pair, from_status: str, to_status: str, at: datetime, *, actor: User | None,
                   reason: str = "", private: bool = False) -> None:
        mentorship = pair.mentorship
        self.rows.add(MentorshipTransition(mentorship=mentorship, from_status=from_status, to_status=to_status,
                                           actor=actor, reason=reason, is_reason_private=private), created_at=at)
        self.rows.add(AuditEvent(organization=self.organization, actor=actor, action=f"mentorship.{to_status}",
                                 target_type="mentorships.mentorship", target_id=str(mentorship.pk),
                                 target_label=str(mentorship)[:300], details={"from": from_status}), created_at=at)

    # --- the rows of one pair ----------------------------------------------------------------------

    def write(self, pair: _Pair, program: Program) -> None:
        rng, mentorship = self.rng, pair.mentorship
        if pair.paused:
            paused_at = self.moment(pair.paused[0], 9)
            self.transition(pair, MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED, paused_at, actor=pair.mentee.user,
                            reason=words.PAUSE_REASON if pair.paused[1] is None else words.PILOT_PAUSE_REASON)
            if pair.paused[1] is not None:
                self.transition(pair, MentorshipStatus.PAUSED, MentorshipStatus.ACTIVE, self.moment(pair.paused[1], 9),
                                actor=pair.mentee.user)
        agreed = self.agreement(pair, program)
        self.goals(pair, program, after=agreed)
        self.meetings(pair)
        self.conversation(pair)
        self.check_ins(pair)
        self.assessments(pair)
        if pair.ended_at is not None:
            self.evaluations(pair)
        if pair.arc in ("grew", "thriving") and pair.sessions and rng.random() < 0.5:
            at = self.later(self.moment(pair.sessions[-1], pair.utc_hour + 2), hours=(1, 30))
            if at is not None:
                self.rows.add(Feedback(mentorship=mentorship, author=pair.mentee, recipient=pair.mentor,
                                       kind=FeedbackKind.FEEDBACK, style_rating=rng.choice([4, 5, 5]),
                                       usefulness_rating=rng.choice([4, 5]), listening_rating=rng.choice([4, 5, 5]),
                                       body=rng.choice(words.FEEDBACK_TO_MENTOR)), created_at=at)

    def agreement(self, pair: _Pair, program: Program) -> datetime:
        """Version 1 of the charter, confirmed by both (except in the pairs that never settled it)."""
        rng = self.rng
        proposed = self.later(pair.matched_at, hours=(20, 120)) or pair.matched_at
        author, other = (pair.mentor, pair.mentee) if rng.random() < 0.6 else (pair.mentee, pair.mentor)
        cadence = Cadence.BIWEEKLY if pair.arc in ("grew", "thriving") else rng.choice([Cadence.BIWEEKLY, Cadence.MONTHLY])
        agreement = self.rows.add(Agreement(
            mentorship=pair.mentorship, version=1, mentee_wants=pair.mentee.profile.goals or "Grow with a guide.",
            cadence=cadence, session_minutes=pair.minutes, channels=sorted({pair.channel, "chat"}),
            response_time=rng.choice([ResponseTime.SAME_DAY, ResponseTime.TWO_DAYS]), boundaries=words.AGREEMENT["boundaries"],
            feedback_how=words.AGREEMENT["feedback_how"], ends_on=program.ends_on, created_by=author,
        ), created_at=proposed)
        self.rows.add(AgreementConfirmation(agreement=agreement, membership=author), confirmed_at=proposed)
        if pair.arc == "unconfirmed":
            return proposed
        confirmed = self.later(proposed, hours=(2, 96)) or proposed
        self.rows.add(AgreementConfirmation(agreement=agreement, membership=other), confirmed_at=confirmed)
        return confirmed

    def goals(self, pair: _Pair, program: Program, *, after: datetime) -> None:
        rng, arc = self.rng, pair.arc
        bank = words.ONBOARDING_GOALS if pair.purpose == "onboarding" else words.CAREER_GOALS
        wanted = self.wanted_skills.get(pair.mentee.profile.pk, [])
        ends = pair.ended_at.date() if pair.ended_at else self.today
        for number, text in enumerate(rng.sample(bank, 1 if arc == "unconfirmed" else rng.choice([1, 2]))):
            created = self.later(after, hours=(4, 24 * 8)) or after
            target = program.ends_on - timedelta(days=rng.randint(0, 20))
            skill = wanted[number] if number < len(wanted) else None
            status = {"grew": GoalStatus.ACHIEVED if rng.random() < 0.8 else GoalStatus.IN_PROGRESS,
                      "flat": GoalStatus.IN_PROGRESS, "unconfirmed": GoalStatus.NOT_STARTED}.get(arc, GoalStatus.IN_PROGRESS)
            if arc == "ended" and number:
                status = GoalStatus.DROPPED
            goal = self.rows.add(Goal(
                mentorship=pair.mentorship, owner=pair.mentee, title=text.title, description=text.description,
                measure=text.measure, achievable=text.achievable, relevance=text.relevance, target_on=target,
                skill=skill, status=status, created_by=rng.choice([pair.mentee, pair.mentor]),
            ), created_at=created)
            if skill is not None:
                pair.goal_skills.append(skill.name)
            span = (target - created.date()).days
            for step, title in enumerate(text.milestones, start=1):
                due = created.date() + timedelta(days=span * step // (len(text.milestones) + 1) + rng.randint(-3, 3))
                done = {"grew": True, "flat": step == 1, "thriving": True, "steady": rng.random() < 0.8,
                        "paused": True, "unconfirmed": False}.get(arc, rng.random() < 0.5) and due <= ends
                if arc == "quiet":
                    assert pair.quiet_since is not None
                    done = due < pair.quiet_since - timedelta(days=7)
                done_at = self.moment(due - timedelta(days=rng.randint(0, 6)), 16) if done else None
                if done_at is not None and done_at < created:
                    done_at = self.later(created, hours=(24, 72))
                pair.milestones.append(self.rows.add(Milestone(goal=goal, title=title, due_on=due, done_at=done_at)))
        if arc == "quiet":
            # Going quiet shows in the plan too: something fell due after they stopped meeting.
            assert pair.quiet_since is not None
            if not any(pair.quiet_since <= m.due_on < self.today and m.done_at is None for m in pair.milestones):
                pending = [m for m in pair.milestones if m.done_at is None]
                if pending:
                    pending[0].due_on = self.today - timedelta(days=rng.randint(4, 20))
        self.reviews(pair)

    def reviews(self, pair: _Pair) -> None:
        """The reviews the periodic job would have opened for milestones that fell due lately."""
        if pair.status != MentorshipStatus.ACTIVE:
            return
        for milestone in pair.milestones:
            if not self.today - REVIEW_WINDOW < milestone.due_on <= self.today or milestone.goal.status == GoalStatus.DROPPED:
                continue
            sent = self.moment(milestone.due_on, 7)
            for member in (pair.mentor, pair.mentee):
                answered = self.later(sent, hours=(3, 60)) if milestone.done_at and self.rng.random() < 0.6 else None
                went_well, to_change, next_goals = words.REVIEW_ANSWERS if answered else ("", "", "")
                self.rows.add(MilestoneReview(milestone=milestone, respondent=member, due_on=milestone.due_on, sent_at=sent,
                                              answered_at=answered, went_well=went_well, to_change=to_change,
                                              next_goals=next_goals))

    def meetings(self, pair: _Pair) -> None:
        rng = self.rng
        zone = pair.mentor.profile.timezone
        previous = pair.matched_at
        for starts_at, outcome in sorted(pair.meetings):
            booked_at = max(previous, starts_at - timedelta(days=rng.randint(5, 14)))
            booked_at = min(booked_at, self.now - timedelta(hours=1))
            booker = rng.choice([pair.mentor, pair.mentee])
            meeting = self.rows.add(Meeting(
                mentorship=pair.mentorship, uid=new_uid(), starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=pair.minutes), timezone=zone, channel=pair.channel,
                location=pair.location, booked_by=booker.user,
                status=MeetingStatus.CANCELLED if outcome == "cancelled" else MeetingStatus.SCHEDULED,
                sequence=1 if outcome == "cancelled" else 0,
                cancel_reason="Clashed with a customer visit; we'll pick the next slot." if outcome == "cancelled" else "",
                happened={"held": True, "missed": False}.get(outcome),
                attendance_note="One of us could not make it in the end." if outcome == "missed" else "",
            ), created_at=booked_at)
            for user in (pair.mentor.user, pair.mentee.user):
                self.rows.add(Attendee(meeting=meeting, user=user, starts_at=meeting.starts_at, ends_at=meeting.ends_at,
                                       is_active=outcome != "cancelled"))
            if starts_at < self.now:
                previous = starts_at
        topics = words.TOPICS[pair.purpose]
        for held_on in pair.sessions:
            author = pair.mentee if rng.random() < 0.7 else pair.mentor
            logged = self.later(self.moment(held_on, pair.utc_hour + 1), hours=(1, 40)) or self.now - timedelta(minutes=2)
            self.rows.add(SessionLog(
                mentorship=pair.mentorship, logged_by=author, held_on=held_on, duration_minutes=pair.minutes,
                channel=pair.channel,
                topics=rng.choice(topics), next_steps="\n".join(rng.sample(words.NEXT_STEPS, 2)),
            ), created_at=logged)

    def conversation(self, pair: _Pair) -> None:
        """Messages both ways around the meetings; in a pair going quiet, one side's unanswered ones last."""
        rng, names = self.rng, pair.first_names()
        mentor, mentee = pair.mentor, pair.mentee
        said: list[tuple[datetime, Membership, str]] = []

        def say(at: datetime | None, who: Membership, text: str) -> datetime | None:
            if at is not None and at < self.now - timedelta(minutes=5) and (pair.ended_at is None or at < pair.ended_at):
                said.append((at, who, text.format(**names)))
                return at
            return None

        opened = say(self.later(pair.matched_at, hours=(2, 20)), mentor, words.OPENER)
        if opened:
            say(self.later(opened, hours=(1, 30)), mentee, words.OPENER_REPLY)
        quiet_from = datetime.combine(pair.quiet_since, time(23), tzinfo=UTC) if pair.quiet_since else None
        for starts_at, outcome in pair.meetings:
            if starts_at >= self.now or (quiet_from and starts_at > quiet_from):
                continue
            if rng.random() < 0.55:
                writer, other = (mentor, mentee) if rng.random() < 0.5 else (mentee, mentor)
                bank = words.BEFORE_FROM_MENTOR if writer is mentor else words.BEFORE_FROM_MENTEE
                asked = say(starts_at - timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 5)), writer, rng.choice(bank))
                if asked:
                    say(self.later(asked, hours=(1, 18)), other, rng.choice(words.REPLIES))
            if outcome == "held" and rng.random() < 0.45:
                writer = mentee if rng.random() < 0.6 else mentor
                bank = words.AFTER_FROM_MENTEE if writer is mentee else words.AFTER_FROM_MENTOR
                say(starts_at + timedelta(hours=rng.uniform(1, 6)), writer, rng.choice(bank))
        if pair.arc in ("thriving", "steady"):  # they are in touch between sessions too
            days_ago = rng.randint(1, 5) if pair.arc == "thriving" else rng.randint(3, 12)
            writer, other = (mentee, mentor) if rng.random() < 0.6 else (mentor, mentee)
            bank = words.BEFORE_FROM_MENTEE if writer is mentee else words.BEFORE_FROM_MENTOR
            asked = say(self.moment(self.today - timedelta(days=days_ago), pair.utc_hour), writer, rng.choice(bank))
            if asked:
                say(self.later(asked, hours=(1, 8)), other, rng.choice(words.REPLIES))
        if pair.paused and pair.paused[1] is None:
            say(self.moment(pair.paused[0] - timedelta(days=2), pair.utc_hour), mentee, words.PAUSE_MESSAGE)
            say(self.moment(pair.paused[0] - timedelta(days=1), pair.utc_hour), mentor, rng.choice(words.REPLIES))
        silent: Membership | None = None
        if pair.quiet_since is not None:
            chaser, silent = (mentee, mentor) if rng.random() < 0.7 else (mentor, mentee)
            bank = words.UNANSWERED_FROM_MENTEE if chaser is mentee else words.UNANSWERED_FROM_MENTOR
            day = pair.quiet_since + timedelta(days=rng.randint(6, 10))
            for text in bank[: rng.choice([2, 3])]:
                if day > self.today - timedelta(days=4):
                    break
                say(self.moment(day, pair.utc_hour + 1), chaser, text)
                day += timedelta(days=rng.randint(5, 9))
        if not said:
            return
        said.sort(key=lambda item: item[0])
        conversation = self.rows.add(Conversation(mentorship=pair.mentorship), created_at=said[0][0])
        messages = [self.rows.add(Message(conversation=conversation, author=who.user, body=text), created_at=at)
                    for at, who, text in said]
        self.read_markers.append((conversation, pair, messages, silent))

    def check_ins(self, pair: _Pair) -> None:
        """Every round the periodic job would have sent, with the answers people gave."""
        rng = self.rng
        anchor = (min(pair.sessions) + timedelta(days=1) if pair.sessions
                  else pair.start + timedelta(days=FIRST_CHECK_IN_DAYS))
        until = min(self.today, pair.mentorship.ends_on or self.today)
        if pair.ended_at is not None:
            until = min(until, pair.ended_at.date() - timedelta(days=1))
        due_dates = check_in_due_dates(anchor=anchor, every_weeks=CHECK_IN_WEEKS, until=until)
        silent = rng.choice([pair.mentor, pair.mentee])
        for sequence, due_on in enumerate(due_dates, start=1):
            if pair.paused and pair.paused[0] <= due_on and (pair.paused[1] is None or due_on <= pair.paused[1]):
                continue  # nobody is asked while a mentorship is paused
            left = len(due_dates) - sequence  # rounds after this one
            for member in (pair.mentor, pair.mentee):
                sent = self.moment(due_on, 7)
                score, skip = self.mood(pair, member, left=left, silent=silent)
                answered = None if skip else self.later(sent, hours=(2, 80))
                resent = sent + timedelta(days=3) if answered is None and sent + timedelta(days=3) < self.now else None
                check_in = CheckIn(mentorship=pair.mentorship, respondent=member, sequence=sequence, due_on=due_on,
                                   sent_at=sent, resent_at=resent, answered_at=answered)
                if answered is not None:
                    check_in.going_well = score
                    check_in.usefulness = max(1, min(5, score + rng.choice([-1, 0, 0, 1])))
                    check_in.meeting_regularly = left > 1 if pair.arc == "quiet" else score >= 3
                    bank = (words.CHECK_IN_COMMENTS_GOOD if score >= 4 else words.CHECK_IN_COMMENTS_MIXED if score == 3
                            else words.CHECK_IN_COMMENTS_LOW)
                    check_in.comment = rng.choice(bank) if rng.random() < 0.4 else ""
                    if score <= 2 and member is pair.mentee and self.flags_left and left == 0:
                        check_in.flag_to_coordinator = words.FLAGS_FROM_MENTEES[self.flags_left % 2]
                        self.flags_left -= 1
                self.rows.add(check_in)

    def mood(self, pair: _Pair, member: Membership, *, left: int, silent: Membership) -> tuple[int, bool]:
        """(How is it going, 1–5; whether this round went unanswered) for one member's round."""
        rng, arc = self.rng, pair.arc
        if arc in ("grew", "thriving"):
            return rng.choice([4, 5, 5]), rng.random() < 0.08
        if arc in ("flat", "steady", "paused"):
            return rng.choice([3, 4, 4]), rng.random() < 0.15
        if arc == "quiet":
            # 4, 4, …, 3, 2 — and the silent side stops answering at the end.
            return max(2, min(4, 2 + left)), member is silent and left == 0
        if arc == "ended":
            return max(1, min(4, 1 + left)), member is pair.mentor and left == 0
        return rng.choice([3, 4]), member is pair.mentee  # unconfirmed: the one who has not confirmed is not answering

    def assessments(self, pair: _Pair) -> None:
        """The mentee rates themself at the start; in the finished pilot, at the end too."""
        if pair.arc == "unconfirmed":
            return
        rng = self.rng
        skills = list(dict.fromkeys([*pair.goal_skills, *words.COMPETENCIES[pair.purpose]]))
        started = self.later(pair.matched_at, hours=(24, 24 * 10))
        if started is None:
            return
        before = {skill: rng.choice([1, 2, 2, 3]) for skill in skills}
        start = self.rows.add(SelfAssessment(mentorship=pair.mentorship, membership=pair.mentee, phase="start"),
                              created_at=started)
        for skill, rating in before.items():
            self.rows.add(SelfRating(assessment=start, skill=skill[:120], rating=rating))
        if pair.status != MentorshipStatus.COMPLETED or pair.ended_at is None:
            return
        finished = self.later(pair.ended_at, hours=(2, 24 * 6)) or self.now - timedelta(minutes=2)
        end = self.rows.add(SelfAssessment(mentorship=pair.mentorship, membership=pair.mentee, phase="end"),
                            created_at=finished)
        for skill, rating in before.items():
            growth = rng.choice([1, 1, 2, 0]) if pair.arc == "grew" else 0  # "flat": no change they could see
            self.rows.add(SelfRating(assessment=end, skill=skill[:120], rating=min(5, rating + growth)))

    def evaluations(self, pair: _Pair) -> None:
        rng = self.rng
        assert pair.ended_at is not None
        members = [pair.mentee] if pair.arc == "ended" else [pair.mentee, pair.mentor]
        for member in members:
            sent = self.later(pair.ended_at, hours=(3, 24 * 9))
            if sent is None:
                continue
            if pair.arc == "grew":
                satisfaction, nps, outcome, tone = rng.choice([4, 5, 5]), rng.choice([8, 9, 9, 10, 10]), rng.choice(["fully", "fully", "partly"]), "high"
            elif pair.arc == "flat":
                satisfaction, nps, outcome, tone = rng.choice([3, 4]), rng.choice([5, 6, 7, 8]), rng.choice(["partly", "not"]), "mid"
            else:
                satisfaction, nps, outcome, tone = rng.choice([1, 2]), rng.choice([2, 3, 5]), "not", "low"
            self.rows.add(Evaluation(mentorship=pair.mentorship, membership=member, satisfaction=satisfaction, nps=nps,
                                     outcomes=outcome, comments=rng.choice(words.EVALUATION_COMMENTS[tone])), created_at=sent)

    # --- saving ----------------------------------------------------------------------------------------

    def save(self) -> None:
        rows = self.rows
        rows.save(MentorshipTransition, AuditEvent, Agreement, AgreementConfirmation, Goal, Milestone, MilestoneReview,
                  Meeting, Attendee, SessionLog, Conversation, Message, CheckIn, SelfAssessment, SelfRating, Evaluation,
                  Feedback)
        for conversation, pair, messages, silent in self.read_markers:
            last = messages[-1]
            for member in (pair.mentor, pair.mentee):
                seen = [m for m in messages if m.author_id != member.user_id] if member is silent else messages
                # The silent side stopped reading when the other one started chasing.
                read = [m for m in seen if member is not silent or pair.quiet_since is None
                        or m.created_at.date() <= pair.quiet_since]
                upto = read[-1] if read else None
                rows.add(ReadMarker(conversation=conversation, user=member.user, last_read_id=upto.pk if upto else 0,
                                    last_read_at=min(upto.created_at + timedelta(hours=2), self.now) if upto else None,
                                    digested_up_to_id=last.pk))
        rows.save(ReadMarker)
        self.settle_mentorships()

    def settle_mentorships(self) -> None:
        """Dates and states of the mentorships `create_mentorship` made today, moved into the past."""
        mentorships, members = [], []
        for pair in self.pairs:
            mentorship = pair.mentorship
            mentorship.created_at, mentorship.started_on = pair.matched_at, pair.start
            mentorship.status, mentorship.ended_at = pair.status, pair.ended_at
            mentorships.append(mentorship)
            for seat in mentorship.members.all():
                seat.joined_at, seat.is_open = pair.matched_at, pair.is_open
                members.append(seat)
            if not pair.is_open:
                release_seat(program=mentorship.program, membership=pair.mentor)
        Mentorship.objects.bulk_update(mentorships, ["created_at", "started_on", "status", "ended_at"], batch_size=500)
        MentorshipMember.objects.bulk_update(members, ["joined_at", "is_open"], batch_size=500)
        matched = {str(pair.mentorship.pk): pair.matched_at for pair in self.pairs}
        first_steps = list(MentorshipTransition.objects.filter(mentorship__in=mentorships, from_status=""))
        for step in first_steps:
            step.created_at = matched[str(step.mentorship_id)]
        MentorshipTransition.objects.bulk_update(first_steps, ["created_at"], batch_size=500)
        created = list(AuditEvent.objects.filter(organization=self.organization, action="mentorship.create",
                                                 target_id__in=list(matched)))
        for event in created:
            event.created_at = matched[event.target_id]
        AuditEvent.objects.bulk_update(created, ["created_at"], batch_size=500)


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
    history = _History(organization=organization, coordinator=coordinator, rng=random.Random(seed * 1000 + 15))
    rng, today = history.rng, history.today
    mentors, mentees = history.pools(sign_in_emails)
    for wanted in (ProfileSkill.objects.filter(profile__membership__in=mentees, direction="wanted")
                   .select_related("skill").order_by("pk")):
        history.wanted_skills[wanted.profile_id].append(wanted.skill)

    extras = min(5, len(mentees) // 8)  # applicants per program who were not matched
    pilot_n = max(0, min(PILOT_PAIRS, (len(mentees) - 2 * extras) // 3, len(mentors) // 2))
    running_n = max(0, min(RUNNING_PAIRS, len(mentees) - 2 * extras - pilot_n, 2 * (len(mentors) - pilot_n)))
    running_mentors = mentors[pilot_n:]
    # A few mentors take two mentees (more when mentors are short).
    doubles = min(running_n // 2, max(running_n // 7, running_n - len(running_mentors)))
    running_mentors = running_mentors[: running_n - doubles]
    unmatched = mentees[pilot_n + running_n:]
    counts = HistoryCounts(pilot_pairs=pilot_n, running_pairs=running_n)

    if pilot_n:
        starts_on = today - timedelta(days=183)
        pilot = history.program(name=f"Onboarding Buddies — {_season(starts_on)} pilot", purpose="onboarding",
                                starts_on=starts_on, ends_on=today - timedelta(days=30), is_pilot=True,
                                mentor_capacity_default=1)
        pairs = _assign(mentors[:pilot_n], mentees[:pilot_n])
        for mentor, mentee in pairs:
            history.enrol(pilot, mentor, "mentor", EnrollmentStatus.APPROVED, capacity=1)
            history.enrol(pilot, mentee, "mentee", EnrollmentStatus.APPROVED)
        history.funnel(pilot, unmatched[:extras])
        history.rows.save(Enrollment)
        history.pair_up(pilot, pairs, _spread(PILOT_ARCS, pilot_n),
                        starts=[starts_on + timedelta(days=rng.randint(0, 7)) for _pair in pairs])
    if running_n:
        starts_on = today - timedelta(days=100)
        running = history.program(name="Career Growth 2026", purpose="career", starts_on=starts_on,
                                  ends_on=starts_on + timedelta(days=180), matching_mode="coordinator")
        pairs = _assign(running_mentors, mentees[pilot_n: pilot_n + running_n])
        arcs = _spread(RUNNING_ARCS, running_n)
        load: dict[int, int] = defaultdict(int)
        for mentor, _mentee in pairs:
            load[mentor.pk] += 1
        for index, mentor in enumerate(running_mentors):
            spare = index % 4 == 0  # some offered a place nobody took
            history.enrol(running, mentor, "mentor", EnrollmentStatus.APPROVED, capacity=load[mentor.pk] + spare)
        starts = []
        for index, ((_mentor, mentee), arc) in enumerate(zip(pairs, arcs, strict=True)):
            late = arc == "unconfirmed" and "unconfirmed" not in arcs[:index]
            # The late match waited on the list until a mentor offered another place.
            decided = history.moment(today - timedelta(days=23), 11) if late else None
            history.enrol(running, mentee, "mentee", EnrollmentStatus.APPROVED, decided=decided)
            starts.append(today - timedelta(days=18) if late else starts_on + timedelta(days=rng.randint(0, 9)))
        history.funnel(running, unmatched[extras: 2 * extras])
        history.rows.save(Enrollment)
        history.pair_up(running, pairs, arcs, starts=starts)
    history.save()
    in_org = {"mentorship__program__organization": organization}
    counts.meetings = Meeting.objects.filter(**in_org).count()
    counts.messages = Message.objects.filter(conversation__mentorship__program__organization=organization).count()
    counts.check_ins = CheckIn.objects.filter(**in_org).count()
    counts.evaluations = Evaluation.objects.filter(**in_org).count()
    return counts
