"""What happened when to one demo pair: its meetings, sessions, pause and ending — plain data, no database.

A pair's *arc* decides its story. In the finished pilot: ``grew`` (met every two weeks, completed),
``flat`` (met less, completed), ``ended`` (ended early). In the running program: ``thriving``,
``steady``, ``quiet`` (stopped meeting 30–60 days ago), ``unconfirmed`` (agreement never confirmed),
``paused`` and ``ended``. `Planner.plan` turns an arc into dated events on the `Pair`;
`mentora.core.demo_history.records` writes them as rows.
"""

from __future__ import annotations

import random
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from mentora.accounts.models import Membership, User
from mentora.core.demo_history import texts
from mentora.mentorships.models import Mentorship, MentorshipStatus
from mentora.programs.models import Program

__all__ = ["Calendar", "Clock", "Pair", "Planner", "Step", "season", "spread"]


@dataclass(frozen=True)
class Step:
    """A change of a mentorship's state."""

    from_status: str
    to_status: str
    at: datetime
    actor: User | None
    reason: str = ""
    is_reason_private: bool = False


@dataclass
class Pair:
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
    silent: Membership | None = None  # in a pair going quiet: the one who stopped answering
    paused: tuple[date, date | None] | None = None  # (paused on, resumed on — None while still paused)
    meetings: list[tuple[datetime, str]] = field(default_factory=list)  # (starts at, held / missed / cancelled / booked)
    sessions: list[date] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status in (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)

    def is_paused_on(self, day: date) -> bool:
        return self.paused is not None and self.paused[0] <= day and (self.paused[1] is None or day <= self.paused[1])

    def first_names(self) -> dict[str, str]:
        return {"mentor": self.mentor.user.display_name.split()[0], "mentee": self.mentee.user.display_name.split()[0]}


class Clock:
    """Today, and moments in the past drawn from the shared random generator."""

    def __init__(self, *, now: datetime, today: date, rng: random.Random) -> None:
        self.now, self.today, self.rng = now, today, rng

    def moment(self, day: date, hour: float) -> datetime:
        """`day` at `hour` UTC, never later than a minute ago (history is in the past)."""
        at = datetime.combine(day, time(0), tzinfo=UTC) + timedelta(hours=hour)
        return min(at, self.now - timedelta(minutes=1))

    def later(self, after: datetime, *, hours: tuple[float, float]) -> datetime | None:
        """A moment some hours after `after`, or None if that would not be in the past."""
        at = after + timedelta(hours=self.rng.uniform(*hours))
        return at if at < self.now - timedelta(minutes=1) else None


class Calendar:
    """Everyone's booked times, so nobody is double-booked (the database would refuse it)."""

    def __init__(self) -> None:
        self.busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)

    def claim(self, user_ids: Sequence[int], starts_at: datetime, minutes: int) -> datetime:
        """The first weekday from `starts_at` (same time of day) when all are free, booked for them."""
        while True:
            while starts_at.weekday() >= 5:
                starts_at += timedelta(days=1)
            ends_at = starts_at + timedelta(minutes=minutes)
            if not any(s < ends_at and starts_at < e for user in user_ids for s, e in self.busy[user]):
                for user in user_ids:
                    self.busy[user].append((starts_at, ends_at))
                return starts_at
            starts_at += timedelta(days=1)


def spread(arcs: dict[str, int], n: int) -> list[str]:
    """`n` arcs in the proportions given, interleaved so any prefix keeps the mix.

    >>> spread({"a": 2, "b": 1}, 6)
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


def season(day: date) -> str:
    """The (northern) season a date falls in.

    >>> season(date(2026, 6, 3)), season(date(2026, 12, 3))
    ('summer', 'winter')
    """
    return ("winter", "spring", "summer", "autumn")[(day.month % 12) // 3]


class Planner:
    """Plans each pair's story from its arc, keeping everyone's calendar free of clashes."""

    def __init__(self, *, clock: Clock, coordinator: User) -> None:
        self.clock, self.rng, self.coordinator = clock, clock.rng, coordinator
        self.now, self.today = clock.now, clock.today
        self.calendar = Calendar()
        self.pairs: list[Pair] = []

    def usual_hour(self, zones: tuple[str, str]) -> int:
        """A UTC hour inside both people's working day when there is one (else inside the mentor's)."""
        def local(hour: int, zone: str) -> int:
            return datetime.combine(self.today, time(hour), tzinfo=UTC).astimezone(zoneinfo.ZoneInfo(zone)).hour

        for low, high, who in ((9, 17, zones), (8, 20, zones), (9, 17, zones[:1])):
            hours = [h for h in range(24) if all(low <= local(h, z) < high for z in who)]
            if hours:
                return self.rng.choice(hours)
        return 12

    def plan(self, pair: Pair, program: Program) -> None:
        self.pairs.append(pair)
        arc, rng, today = pair.arc, self.rng, self.today
        start, end = pair.start, program.ends_on
        first = start + timedelta(days=rng.randint(2, 6))
        if arc in ("grew", "flat"):
            if arc == "grew" and not any(p.paused for p in self.pairs if p.purpose == pair.purpose):
                paused_on = start + timedelta(days=rng.randint(50, 70))
                pair.paused = (paused_on, paused_on + timedelta(days=21))
            self.meet(pair, first=first, until=end - timedelta(days=2), every=14 if arc == "grew" else 20,
                      held=0.88 if arc == "grew" else 0.7)
            # As the periodic job completes it, the night after the end date.
            self.close(pair, MentorshipStatus.COMPLETED, self.clock.moment(end + timedelta(days=1), 2), actor=None,
                       reason="The end date was reached.")
        elif arc == "ended":
            ended_on = (start + timedelta(days=rng.randint(35, 80)) if program.ends_on < today
                        else today - timedelta(days=rng.randint(25, 50)))
            self.meet(pair, first=first, until=ended_on - timedelta(days=14), every=18, held=0.55)
            self.close(pair, MentorshipStatus.ENDED_EARLY, self.clock.moment(ended_on, rng.uniform(9, 17)),
                       actor=self.coordinator, reason=texts.PRIVATE_END_REASONS[len(self.pairs) % 3], private=True)
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
            pair.silent = pair.mentor if rng.random() < 0.7 else pair.mentee
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
        if pair.paused:
            paused_on, resumed_on = pair.paused
            pair.steps.append(Step(MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED, self.clock.moment(paused_on, 9),
                                   pair.mentee.user, texts.PAUSE_REASON if resumed_on is None else texts.PILOT_PAUSE_REASON))
            if resumed_on is not None:
                pair.steps.append(Step(MentorshipStatus.PAUSED, MentorshipStatus.ACTIVE, self.clock.moment(resumed_on, 9),
                                       pair.mentee.user))

    def meet(self, pair: Pair, *, first: date, until: date, every: int, held: float) -> None:
        """Meetings about every `every` days from `first` to `until`: most held, some cancelled or missed."""
        day = first
        while day <= until:
            if pair.paused and pair.is_paused_on(day):
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

    def meet_once(self, pair: Pair, day: date, outcome: str) -> datetime | None:
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

    def book_next(self, pair: Pair, *, every: int) -> None:
        last = max((s for s, _o in pair.meetings), default=self.now)
        day = max(last.date() + timedelta(days=every), self.today + timedelta(days=self.rng.randint(1, 4)))
        self.meet_once(pair, day, "booked")

    def close(self, pair: Pair, status: str, at: datetime, *, actor: User | None, reason: str, private: bool = False) -> None:
        pair.status, pair.ended_at = status, at
        pair.meetings = [(s, o) for s, o in pair.meetings if s < at]
        pair.sessions = [d for d in pair.sessions if d <= at.date()]
        pair.steps.append(Step(MentorshipStatus.ACTIVE, status, at, actor, reason, private))
