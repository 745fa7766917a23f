"""A program's health: the funnel from application to completion and what happens in between.

`program_insights` builds every figure of the program page from a fixed number of queries (about
fifteen), however many people or mentorships the program has: rows are fetched as plain values
and aggregated in the database where SQL can (counts by week, evaluation tallies), in Python where
it needs per-person steps (medians, the funnel). Filters narrow the people (department, site, job
level, role); pair-level figures then cover the mentorships those people are in.

Figures about answers people gave (check-ins, evaluations, self-assessments) are shown only from
five answers on, and breakdowns by group go through `suppression`, so no figure singles anyone out.
"""

from __future__ import annotations

import statistics
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    DateField,
    DateTimeField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.core.suppression import MIN_GROUP, Group, GroupRow, enough_answers, suppress_groups
from mentora.feedback.models import AssessmentPhase, CheckIn, Evaluation, Outcome, SelfRating
from mentora.goals.models import Goal, GoalStatus, Milestone
from mentora.meetings.models import Meeting, MeetingStatus
from mentora.mentorships.models import (
    OPEN_STATUSES,
    AgreementConfirmation,
    MemberRole,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    MentorshipTransition,
    SessionLog,
)
from mentora.messaging.models import Message
from mentora.programs.models import Enrollment, EnrollmentRole, EnrollmentStatus, Program

__all__ = ["ACTIVE_AT_DAYS", "TREND_WEEKS", "Filters", "ProgramInsights", "held_meetings", "program_insights"]

#: "Still going N days after the match" is counted at these days.
ACTIVE_AT_DAYS = (30, 60, 90)
#: Trend lines cover this many weeks, the current one last.
TREND_WEEKS = 12
PARTICIPANT_ROLES = (MemberRole.MENTEE, MemberRole.PEER)
Row = dict[str, Any]  # a `.values()` row
GUIDE_ROLES = (MemberRole.MENTOR, MemberRole.FACILITATOR)


def held_meetings(now: datetime) -> Q:
    """Meetings that took place: marked so, or past, not cancelled and not marked missed."""
    return Q(happened=True) | Q(happened__isnull=True, status=MeetingStatus.SCHEDULED, ends_at__lt=now)


@dataclass(frozen=True)
class Filters:
    """Who the figures are about; empty fields mean everyone."""

    department: str = ""
    location: str = ""
    level: int | None = None
    role: str = ""  # "" = the people being mentored (mentees, peers); or "mentor"

    @classmethod
    def from_query(cls, query: Mapping[str, str], options: FilterOptions) -> Filters:
        """Read the filters from a query string, keeping only values the program has."""
        level = query.get("level", "")
        return cls(
            department=query.get("department", "") if query.get("department", "") in options.departments else "",
            location=query.get("location", "") if query.get("location", "") in options.locations else "",
            level=int(level) if level.isdigit() and int(level) in options.levels else None,
            role=query.get("role", "") if query.get("role", "") in options.roles else "",
        )

    @property
    def is_set(self) -> bool:
        return bool(self.department or self.location or self.level is not None or self.role)

    def as_query(self) -> dict[str, str]:
        values = {"department": self.department, "location": self.location,
                  "level": "" if self.level is None else str(self.level), "role": self.role}
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class FilterOptions:
    departments: list[str]
    locations: list[str]
    levels: list[int]
    roles: list[str]


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: str
    people: frozenset[int]  # membership ids of those who reached this step
    base: frozenset[int]  # those who could have: the step before (for "still going at day N", matched N days ago)
    median_days: float | None = None  # from the step before, for those who reached this one
    note: str = ""

    @property
    def count(self) -> int:
        return len(self.people)

    @property
    def of(self) -> int:
        return len(self.base)

    @property
    def stopped(self) -> frozenset[int]:
        """Those who could have reached this step and have not (yet)."""
        return self.base - self.people

    @property
    def percent(self) -> int | None:
        return round(100 * self.count / self.of) if self.of else None


@dataclass(frozen=True)
class MeetingFigures:
    pairs: int
    booked: int
    held: int  # meetings that took place (a logged session about one is not counted again)
    missed: int
    cancelled: int
    upcoming: int
    pairs_never_met: int
    pairs_met_last_30_days: int
    pair_months: float = 0.0  # months the mentorships ran (to today, or to their end), summed
    logged: int = 0  # sessions logged by the pairs (some outside Mentora's meetings)
    pairs_quiet: int = 0  # active, matched three weeks ago or more, and nothing held for three weeks
    # The mentorships behind the pair figures (the lists the tiles link to).
    never_met_ids: frozenset[int] = frozenset()
    met_last_30_days_ids: frozenset[int] = frozenset()
    quiet_ids: frozenset[int] = frozenset()

    @property
    def held_per_month(self) -> float | None:
        """Meetings held per mentorship per month it ran."""
        return round(self.held / self.pair_months, 1) if self.pair_months >= 1 else None

    @property
    def held_per_pair(self) -> float:
        return round(self.held / self.pairs, 1) if self.pairs else 0.0

    @property
    def booked_per_pair(self) -> float:
        return round(self.booked / self.pairs, 1) if self.pairs else 0.0

    @property
    def missed_percent(self) -> int | None:
        past = self.held + self.missed
        return round(100 * self.missed / past) if past else None


@dataclass(frozen=True)
class GoalFigures:
    goals: dict[str, int]
    milestones_done: int
    milestones_on_track: int
    milestones_overdue: int
    overdue_mentorship_ids: frozenset[int] = frozenset()  # mentorships with an overdue milestone

    @property
    def goals_total(self) -> int:
        return sum(self.goals.values())

    @property
    def milestones_total(self) -> int:
        return self.milestones_done + self.milestones_on_track + self.milestones_overdue


@dataclass(frozen=True)
class WeekRow:
    week: date
    new_matches: int
    meetings_held: int
    messages: int
    check_ins: int
    going_well: float | None  # average of that week's check-ins, only from five answers on


@dataclass(frozen=True)
class EvaluationFigures:
    answers: int
    promoters: int
    passives: int
    detractors: int
    satisfaction: float | None
    outcomes: dict[str, int]
    k: int = MIN_GROUP  # the organization's smallest group

    @property
    def is_shown(self) -> bool:
        return enough_answers(self.answers, k=self.k)

    @property
    def nps(self) -> int | None:
        if not self.is_shown:
            return None
        return round(100 * (self.promoters - self.detractors) / self.answers)


@dataclass(frozen=True)
class SkillGrowth:
    skill: str
    people: int
    before: float
    after: float
    improved: int

    @property
    def delta(self) -> float:
        return round(self.after - self.before, 1)


@dataclass(frozen=True)
class LoadFigures:
    mentors: int
    places: int
    used: int
    full: int
    over: int
    idle: int
    # The mentors (membership ids) behind the figures, with the places they use and offer.
    used_by: dict[int, tuple[int, int]] = field(default_factory=dict)

    def mentors_who(self, which: str) -> frozenset[int]:
        tests: dict[str, Callable[[int, int], bool]] = {
            "full": lambda used, places: used == places, "over": lambda used, places: used > places,
            "idle": lambda used, _places: used == 0}
        test = tests[which]
        return frozenset(m for m, (used, places) in self.used_by.items() if test(used, places))

    @property
    def used_percent(self) -> int | None:
        return round(100 * self.used / self.places) if self.places else None


@dataclass(frozen=True)
class Ending:
    mentorship_id: int
    names: str
    on: date
    after_days: int | None
    reason: str
    is_private: bool


@dataclass
class ProgramInsights:
    program: Program
    filters: Filters
    options: FilterOptions
    people: int
    funnel: list[FunnelStep]
    time_to_match_days: float | None
    meetings: MeetingFigures
    goals: GoalFigures
    trend: list[WeekRow]
    check_in_answers: int
    going_well: float | None
    evaluations: EvaluationFigures
    growth: list[SkillGrowth]
    growth_hidden: int  # skills with fewer than five before-and-after answers
    load: LoadFigures
    endings: list[Ending]
    ended_early: int
    statuses: dict[str, int] = field(default_factory=dict)  # mentorships by status
    by_department: list[GroupRow] = field(default_factory=list)
    by_location: list[GroupRow] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return next((step.count for step in self.funnel if step.key == "matched"), 0)

    @property
    def approved(self) -> int:
        return next((step.count for step in self.funnel if step.key == "approved"), 0)

    @property
    def match_percent(self) -> int | None:
        return round(100 * self.matched / self.approved) if self.approved else None


def _median(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(statistics.median(values), 1) if values else None


def _days(later: datetime | date | None, earlier: datetime | date | None) -> float | None:
    if later is None or earlier is None:
        return None
    if isinstance(later, datetime) and isinstance(earlier, datetime):
        return max(0.0, (later - earlier).total_seconds() / 86400)
    return float(max(0, (_as_date(later) - _as_date(earlier)).days))


_viewer = threading.local()  # the viewer's zone while `program_insights` runs (looked up once, not per row)


def _as_date(value: datetime | date) -> date:
    if isinstance(value, datetime):
        return value.astimezone(getattr(_viewer, "zone", None) or timezone.get_current_timezone()).date()
    return value


def filter_options(program: Program) -> FilterOptions:
    """The departments, sites, levels and roles present among the program's enrolments (1 query)."""
    rows = list(program.enrollments.order_by().values_list(
        "membership__profile__department", "membership__profile__location", "membership__profile__level", "role"
    ).distinct())
    roles = [""] + (["mentor"] if any(role == EnrollmentRole.MENTOR for *_, role in rows) else [])
    return FilterOptions(
        departments=sorted({d for d, *_ in rows if d}),
        locations=sorted({loc for _d, loc, *_ in rows if loc}),
        levels=sorted({lvl for _d, _l, lvl, _r in rows if lvl is not None}),
        roles=roles,
    )


def _population(program: Program, filters: Filters) -> QuerySet[Enrollment]:
    enrollments = program.enrollments.all()
    if filters.role == EnrollmentRole.MENTOR:
        enrollments = enrollments.filter(role=EnrollmentRole.MENTOR)
    else:
        enrollments = enrollments.filter(role__in=[EnrollmentRole.MENTEE, EnrollmentRole.PEER])
    if filters.department:
        enrollments = enrollments.filter(membership__profile__department=filters.department)
    if filters.location:
        enrollments = enrollments.filter(membership__profile__location=filters.location)
    if filters.level is not None:
        enrollments = enrollments.filter(membership__profile__level=filters.level)
    return enrollments


def program_insights(program: Program, *, filters: Filters | None = None, now: datetime | None = None,
                     options: FilterOptions | None = None) -> ProgramInsights:
    """Every figure of the program's health page (a fixed number of queries)."""
    _viewer.zone = timezone.get_current_timezone()
    try:
        return _program_insights(program, filters=filters, now=now, options=options)
    finally:
        _viewer.zone = None


def _program_insights(program: Program, *, filters: Filters | None, now: datetime | None,
                      options: FilterOptions | None) -> ProgramInsights:
    now = now or timezone.now()
    today = timezone.localdate(now)
    options = options or filter_options(program)
    filters = filters or Filters()
    population = _population(program, filters)
    # Steps are counted in calendar days, so rows carry dates: parsing 80,000 datetimes cost half a second.
    people = cast(list[Row], list(population.order_by().values(
        "membership_id", "status", "membership__profile__department", "membership__profile__location",
        applied_on=Cast("created_at", DateField()), decided_on=Cast("decided_at", DateField()),
    )))
    person_ids = {row["membership_id"] for row in people}
    member_roles = GUIDE_ROLES if filters.role == EnrollmentRole.MENTOR else PARTICIPANT_ROLES

    scope = Mentorship.objects.filter(program=program)
    if filters.is_set:
        # Two IN-lists on one table make SQLite probe their cross product (a 10,000-pair program took
        # 30 s); nesting them, each on its own table, keeps every query to one list.
        in_population = MentorshipMember.objects.filter(program=program, membership__in=population.values("membership_id"))
        scope = scope.filter(pk__in=in_population.values("mentorship_id"))
    scope_ids = scope.values("pk")

    mentorships: dict[int, Row] = {
        row["pk"]: cast(Row, row) for row in scope.order_by().values(
            "pk", "status", "started_on", start=Coalesce("started_on", Cast("created_at", DateField())),
            ended_on=Cast("ended_at", DateField()))}
    members = cast(list[Row], list(MentorshipMember.objects.filter(mentorship__in=scope_ids).order_by("joined_at").values(
        "mentorship_id", "membership_id", "role", joined_on=Cast("joined_at", DateField()), is_current=ExpressionWrapper(Q(left_at__isnull=True), BooleanField()))))
    open_members: dict[int, int] = defaultdict(int)
    for row in members:
        if row["is_current"]:
            open_members[row["mentorship_id"]] += 1

    # The earliest moment each mentorship's agreement had everyone's confirmation.
    confirmed_at: dict[int, date] = {}
    for agreement in (AgreementConfirmation.objects.filter(agreement__mentorship__in=scope_ids).order_by()
                      .values("agreement__mentorship_id", "agreement_id").annotate(n=Count("pk"), at=Max(Cast("confirmed_at", DateField())))):
        mentorship_id = agreement["agreement__mentorship_id"]
        everyone = agreement["n"] >= max(1, open_members.get(mentorship_id, 0))
        if everyone and (mentorship_id not in confirmed_at or agreement["at"] < confirmed_at[mentorship_id]):
            confirmed_at[mentorship_id] = agreement["at"]

    held = held_meetings(now)
    meeting_rows = {row["mentorship_id"]: row for row in Meeting.objects.filter(mentorship__in=scope_ids).order_by()
                    .values("mentorship_id").annotate(
                        first_held=Min(Cast("starts_at", DateField()), filter=held), last_held=Max(Cast("starts_at", DateField()), filter=held),
                        n_held=Count("pk", filter=held), n_missed=Count("pk", filter=Q(happened=False)),
                        n_booked=Count("pk", filter=Q(status=MeetingStatus.SCHEDULED)),
                        n_cancelled=Count("pk", filter=Q(status=MeetingStatus.CANCELLED)),
                        n_upcoming=Count("pk", filter=Q(status=MeetingStatus.SCHEDULED, ends_at__gte=now)))}
    logs = {row["mentorship_id"]: row for row in SessionLog.objects.filter(mentorship__in=scope_ids).order_by()
            .values("mentorship_id").annotate(first=Min("held_on"), last=Max("held_on"), n=Count("pk"))}

    def first_session(mentorship_id: int) -> date | None:
        meeting = meeting_rows.get(mentorship_id, {}).get("first_held")
        log = logs.get(mentorship_id, {}).get("first")
        dates = [d for d in (meeting, log) if d is not None]
        return min(dates) if dates else None

    def last_session(mentorship_id: int) -> date | None:
        meeting = meeting_rows.get(mentorship_id, {}).get("last_held")
        log = logs.get(mentorship_id, {}).get("last")
        dates = [d for d in (meeting, log) if d is not None]
        return max(dates) if dates else None

    # Each person's latest mentorship in this program (a rematch replaces the first).
    person_mentorship: dict[int, Row] = {}
    first_joined: dict[int, date] = {}
    for row in members:
        if row["membership_id"] in person_ids and row["role"] in member_roles:
            person_mentorship[row["membership_id"]] = row
            first_joined.setdefault(row["membership_id"], row["joined_on"])

    funnel = _funnel(people, person_mentorship, first_joined, mentorships, confirmed_at, first_session, today)
    approved_to_match = [
        _days(first_joined[row["membership_id"]], row["decided_on"] or row["applied_on"])
        for row in people if row["membership_id"] in first_joined
    ]

    active_pairs = [pk for pk, row in mentorships.items() if row["status"] == MentorshipStatus.ACTIVE]
    ran_days = sum(max(0, (min(row["ended_on"] or today, today) - row["start"]).days)
                   for row in mentorships.values() if row["status"] != MentorshipStatus.PROPOSED and row["start"])
    since_30, since_21 = today - timedelta(days=30), today - timedelta(days=21)
    never_met = frozenset(pk for pk in active_pairs if first_session(pk) is None)
    met_30 = frozenset(pk for pk in active_pairs if (last := last_session(pk)) and last >= since_30)
    quiet = frozenset(pk for pk in active_pairs if mentorships[pk]["start"] and mentorships[pk]["start"] <= since_21
                      and not ((last := last_session(pk)) and last >= since_21))
    meetings = MeetingFigures(
        pairs=len(mentorships),
        booked=sum(row["n_booked"] for row in meeting_rows.values()),
        held=sum(row["n_held"] for row in meeting_rows.values()),
        logged=sum(row["n"] for row in logs.values()),
        missed=sum(row["n_missed"] for row in meeting_rows.values()),
        cancelled=sum(row["n_cancelled"] for row in meeting_rows.values()),
        upcoming=sum(row["n_upcoming"] for row in meeting_rows.values()),
        pairs_never_met=len(never_met), pairs_met_last_30_days=len(met_30),
        pair_months=round(ran_days / 30.44, 2), pairs_quiet=len(quiet),
        never_met_ids=never_met, met_last_30_days_ids=met_30, quiet_ids=quiet,
    )

    goal_counts = dict(Goal.objects.filter(mentorship__in=scope_ids).order_by().values_list("status").annotate(n=Count("pk")))
    live_goal = ~Q(goal__status__in=[GoalStatus.ACHIEVED, GoalStatus.DROPPED])
    milestones = Milestone.objects.filter(goal__mentorship__in=scope_ids).aggregate(
        done=Count("pk", filter=Q(done_at__isnull=False)),
        on_track=Count("pk", filter=Q(done_at__isnull=True, due_on__gte=today) & live_goal),
        overdue=Count("pk", filter=Q(done_at__isnull=True, due_on__lt=today) & live_goal),
    )
    overdue = frozenset(Milestone.objects.filter(Q(goal__mentorship__in=scope_ids, done_at__isnull=True, due_on__lt=today)
                                                 & live_goal).order_by().values_list("goal__mentorship_id", flat=True).distinct())
    goals = GoalFigures(goals={status: goal_counts.get(status, 0) for status in GoalStatus.values},
                        milestones_done=milestones["done"], milestones_on_track=milestones["on_track"],
                        milestones_overdue=milestones["overdue"], overdue_mentorship_ids=overdue)

    k = program.organization.min_group_size
    trend, check_in_answers, going_well = _trend(scope_ids, first_joined.values(), now=now, today=today, k=k)
    evaluations = _evaluations(scope_ids, k=k)
    growth, growth_hidden = _growth(scope_ids, k=k)
    load = _load(program, members, mentorships, filters, person_ids)
    endings = _endings(scope_ids, mentorships)

    return ProgramInsights(
        program=program, filters=filters, options=options, people=len(people), funnel=funnel,
        time_to_match_days=_median(d for d in approved_to_match if d is not None), meetings=meetings, goals=goals,
        trend=trend, check_in_answers=check_in_answers, going_well=going_well, evaluations=evaluations,
        growth=growth, growth_hidden=growth_hidden, load=load, endings=endings[:20], ended_early=len(endings),
        statuses={status: sum(1 for row in mentorships.values() if row["status"] == status) for status in MentorshipStatus.values},
        by_department=_breakdown(people, person_mentorship, mentorships, "membership__profile__department", k=k),
        by_location=_breakdown(people, person_mentorship, mentorships, "membership__profile__location", k=k),
    )


def _funnel(
    people: list[Row], person_mentorship: dict[int, Row], first_joined: dict[int, date],
    mentorships: dict[int, Row], confirmed_at: dict[int, date], first_session: Any, today: date,
) -> list[FunnelStep]:
    def ids(rows: Iterable[Row]) -> frozenset[int]:
        return frozenset(row["membership_id"] for row in rows)

    approved_rows = [row for row in people if row["status"] == EnrollmentStatus.APPROVED or row["membership_id"] in person_mentorship]
    matched = [row for row in people if row["membership_id"] in person_mentorship]
    confirmed, met = [], []
    for row in matched:
        mentorship_id = person_mentorship[row["membership_id"]]["mentorship_id"]
        if mentorship_id in confirmed_at:
            confirmed.append((row, _days(confirmed_at[mentorship_id], first_joined[row["membership_id"]])))
        session = first_session(mentorship_id)
        if session is not None:
            met.append((row, _days(session, first_joined[row["membership_id"]])))
    applied_ids, approved_ids, matched_ids = ids(people), ids(approved_rows), ids(matched)
    steps = [
        FunnelStep("applied", _("Applied"), applied_ids, applied_ids),
        FunnelStep("approved", _("Approved"), approved_ids, applied_ids,
                   _median(d for row in approved_rows if (d := _days(row["decided_on"], row["applied_on"])) is not None)),
        FunnelStep("matched", _("Matched"), matched_ids, approved_ids,
                   _median(d for row in matched if (d := _days(first_joined[row["membership_id"]], row["decided_on"] or row["applied_on"])) is not None)),
        FunnelStep("agreement", _("Agreement confirmed"), ids(row for row, _d in confirmed), matched_ids,
                   _median(d for _row, d in confirmed if d is not None)),
        FunnelStep("first_meeting", _("First meeting held"), ids(row for row, _d in met), matched_ids,
                   _median(d for _row, d in met if d is not None)),
    ]
    for days in ACTIVE_AT_DAYS:
        reached, still = [], []
        for row in matched:
            mentorship = mentorships[person_mentorship[row["membership_id"]]["mentorship_id"]]
            start = mentorship["start"]
            if start + timedelta(days=days) > today:
                continue  # not matched long enough ago to tell
            reached.append(row)
            ended = mentorship["ended_on"]
            if mentorship["status"] == MentorshipStatus.COMPLETED or ended is None or ended >= start + timedelta(days=days):
                still.append(row)
        steps.append(FunnelStep(f"active_{days}", _("Still going at day %(days)d") % {"days": days}, ids(still), ids(reached),
                                note=_("of the %(n)d matched at least %(days)d days ago") % {"n": len(reached), "days": days}))
    completed = [row for row in matched
                 if mentorships[person_mentorship[row["membership_id"]]["mentorship_id"]]["status"] == MentorshipStatus.COMPLETED]
    steps.append(FunnelStep("completed", _("Completed"), ids(completed), matched_ids))
    return steps


class WeeksSince(Func):
    """Whole weeks from `start` to the field's moment (0 for the week starting at `start`).

    SQLite's `TruncWeek` runs a Python function on every row (0.7 s for 24,000 messages); this is
    arithmetic the database does itself: `julianday` on SQLite, the epoch on PostgreSQL.
    """

    output_field = IntegerField()
    template = "CAST(FLOOR(EXTRACT(EPOCH FROM (%(expressions)s)) / 604800) AS INTEGER)"
    arg_joiner = " - "

    def __init__(self, field: str, start: datetime) -> None:
        super().__init__(F(field), Value(start, output_field=DateTimeField()))

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, template="CAST((julianday(%(expressions)s)) / 7 AS INTEGER)",
                           arg_joiner=") - julianday(", **extra_context)


def _week(value: datetime | date) -> date:
    day = _as_date(value)
    return day - timedelta(days=day.weekday())


def _trend(scope_ids: QuerySet[Any], matched_on: Iterable[date], *,
           now: datetime, today: date, k: int) -> tuple[list[WeekRow], int, float | None]:
    """Week-by-week activity for the last TREND_WEEKS weeks (4 grouped queries); `matched_on` are the
    days the people counted were first matched."""
    first_week = _week(today) - timedelta(weeks=TREND_WEEKS - 1)
    start = timezone.make_aware(datetime.combine(first_week, datetime.min.time()))

    def by_week(rows: QuerySet[Any], field_name: str, **extra: Any) -> dict[date, Row]:
        grouped = rows.filter(**{f"{field_name}__gte": start}).order_by().annotate(week=WeeksSince(field_name, start)) \
            .values("week").annotate(n=Count("pk"), **extra)
        return {first_week + timedelta(weeks=row["week"]): row for row in grouped}

    matches: dict[date, int] = defaultdict(int)
    for day in matched_on:
        if day >= first_week:
            matches[_week(day)] += 1
    held = by_week(Meeting.objects.filter(held_meetings(now), mentorship__in=scope_ids), "starts_at")
    messages = by_week(Message.objects.filter(conversation__mentorship__in=scope_ids, deleted_at__isnull=True), "created_at")
    check_ins = by_week(CheckIn.objects.filter(mentorship__in=scope_ids, answered_at__isnull=False, going_well__isnull=False),
                        "answered_at", avg=Avg("going_well"))
    weeks = []
    for offset in range(TREND_WEEKS):
        week = first_week + timedelta(weeks=offset)
        answers = check_ins.get(week, {}).get("n", 0)
        weeks.append(WeekRow(
            week=week, new_matches=matches.get(week, 0), meetings_held=held.get(week, {}).get("n", 0),
            messages=messages.get(week, {}).get("n", 0), check_ins=answers,
            going_well=round(check_ins[week]["avg"], 1) if enough_answers(answers, k=k) else None,
        ))
    overall = CheckIn.objects.filter(mentorship__in=scope_ids, answered_at__isnull=False, going_well__isnull=False) \
        .aggregate(n=Count("pk"), avg=Avg("going_well"))
    going_well = round(overall["avg"], 1) if enough_answers(overall["n"], k=k) else None
    return weeks, overall["n"], going_well


def _evaluations(scope_ids: QuerySet[Any], *, k: int) -> EvaluationFigures:
    figures = Evaluation.objects.filter(mentorship__in=scope_ids).aggregate(
        n=Count("pk"), promoters=Count("pk", filter=Q(nps__gte=9)), detractors=Count("pk", filter=Q(nps__lte=6)),
        satisfaction=Avg("satisfaction"),
        **{f"outcome_{value}": Count("pk", filter=Q(outcomes=value)) for value in Outcome.values},
    )
    answers = figures["n"]
    shown = enough_answers(answers, k=k)
    return EvaluationFigures(k=k,
        answers=answers, promoters=figures["promoters"], detractors=figures["detractors"],
        passives=answers - figures["promoters"] - figures["detractors"],
        satisfaction=round(figures["satisfaction"], 1) if shown and figures["satisfaction"] is not None else None,
        outcomes={value: figures[f"outcome_{value}"] for value in Outcome.values} if shown else {},
    )


def _growth(scope_ids: QuerySet[Any], *, k: int) -> tuple[list[SkillGrowth], int]:
    """Per skill: the mean self-rating at the start and at the end, for people who gave both."""
    rows = (SelfRating.objects.filter(assessment__mentorship__in=scope_ids).order_by()
            .values("assessment__membership_id", "assessment__mentorship_id", "skill")
            .annotate(before=Max("rating", filter=Q(assessment__phase=AssessmentPhase.START)),
                      after=Max("rating", filter=Q(assessment__phase=AssessmentPhase.END)))
            .filter(before__isnull=False, after__isnull=False))
    by_skill: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in rows:
        by_skill[row["skill"]].append((row["before"], row["after"]))
    growth, hidden = [], 0
    for skill, pairs in by_skill.items():
        if not enough_answers(pairs, k=k):
            hidden += 1
            continue
        growth.append(SkillGrowth(skill=skill, people=len(pairs), before=round(statistics.fmean(b for b, _a in pairs), 1),
                                  after=round(statistics.fmean(a for _b, a in pairs), 1),
                                  improved=sum(1 for b, a in pairs if a > b)))
    growth.sort(key=lambda row: (-row.delta, -row.people, row.skill))
    return growth, hidden


def _load(program: Program, members: list[Row], mentorships: dict[int, Row],
          filters: Filters, person_ids: set[int]) -> LoadFigures:
    """Mentors' places: offered (capacity), used by open mentorships, who is full, over or idle (1 query)."""
    capacity = dict(program.enrollments.filter(role=EnrollmentRole.MENTOR, status=EnrollmentStatus.APPROVED)
                    .values_list("membership_id", "capacity"))
    if filters.is_set:  # the mentors filtered on, or guiding the people filtered on
        in_scope = person_ids | {row["membership_id"] for row in members if row["role"] in GUIDE_ROLES}
        capacity = {mentor: places for mentor, places in capacity.items() if mentor in in_scope}
    open_ids = {pk for pk, row in mentorships.items() if row["status"] in OPEN_STATUSES}
    guide_of: dict[int, set[int]] = defaultdict(set)
    participants: dict[int, int] = defaultdict(int)
    for row in members:
        if row["mentorship_id"] in open_ids and row["is_current"]:
            if row["role"] in GUIDE_ROLES:
                guide_of[row["membership_id"]].add(row["mentorship_id"])
            elif row["role"] in PARTICIPANT_ROLES:
                participants[row["mentorship_id"]] += 1
    used = {mentor: sum(participants[m] for m in guide_of.get(mentor, ())) for mentor in capacity}
    places = {mentor: capacity[mentor] or program.mentor_capacity_default for mentor in capacity}
    return LoadFigures(
        mentors=len(capacity), places=sum(places.values()), used=sum(used.values()),
        full=sum(1 for m in capacity if used[m] == places[m]), over=sum(1 for m in capacity if used[m] > places[m]),
        idle=sum(1 for m in capacity if used[m] == 0),
        used_by={m: (used[m], places[m]) for m in capacity},
    )


def _endings(scope_ids: QuerySet[Any], mentorships: dict[int, Row]) -> list[Ending]:
    """Mentorships that ended early, newest first, with the reason given (coordinators only) (2 queries)."""
    rows = list(MentorshipTransition.objects.filter(mentorship__in=scope_ids, to_status=MentorshipStatus.ENDED_EARLY)
                .order_by("-created_at").values("mentorship_id", "created_at", "reason", "is_reason_private"))
    names: dict[int, list[str]] = defaultdict(list)
    for mentorship_id, name in (MentorshipMember.objects.filter(
            mentorship__in=scope_ids, mentorship__status=MentorshipStatus.ENDED_EARLY)
            .order_by("role", "pk").values_list("mentorship_id", "membership__user__full_name")):
        names[mentorship_id].append(name)
    endings = []
    for row in rows:
        mentorship = mentorships.get(row["mentorship_id"])
        if mentorship is None or mentorship["status"] != MentorshipStatus.ENDED_EARLY:
            continue
        start = mentorship["started_on"]
        ended_on = _as_date(row["created_at"])
        endings.append(Ending(
            mentorship_id=row["mentorship_id"], names=" · ".join(names.get(row["mentorship_id"], [])), on=ended_on,
            after_days=(ended_on - start).days if start else None, reason=row["reason"], is_private=row["is_reason_private"],
        ))
    return endings


def _breakdown(people: list[Row], person_mentorship: dict[int, Row],
               mentorships: dict[int, Row], attribute: str, *, k: int) -> list[GroupRow]:
    """People by one profile attribute: how many, matched, in an active mentorship — small groups hidden."""
    sizes: dict[str, int] = defaultdict(int)
    matched: dict[str, int] = defaultdict(int)
    active: dict[str, int] = defaultdict(int)
    for row in people:
        label = row[attribute] or ""
        sizes[label] += 1
        member = person_mentorship.get(row["membership_id"])
        if member is not None:
            matched[label] += 1
            if mentorships[member["mentorship_id"]]["status"] == MentorshipStatus.ACTIVE:
                active[label] += 1
    groups = [Group(label or _("Not given"), sizes[label], {"matched": matched[label], "active": active[label]}, key=label)
              for label in sorted(sizes, key=lambda label: (-sizes[label], label))]
    return suppress_groups(groups, k=k)
