"""The tables behind the exports: one program's records, and figures about groups of its people.

Records (enrolments, mentorships, meetings, goals, check-ins) hold what a coordinator already sees
about each person in the product. Group figures (check-in results by round, evaluation results by
role, participation by department) are the only tables with answers to surveys, and they go through
`suppression` (k = 5). Each `*_table` returns its columns and a lazy iterator of rows built on
`.iterator(chunk_size=CHUNK)` querysets: a fixed number of queries and flat memory, whatever the size.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from django.db.models import Avg, Case, Count, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.core.suppression import Group, enough_answers, suppress_groups
from mentora.feedback.models import CheckIn, Evaluation, Outcome
from mentora.goals.models import Goal, GoalStatus
from mentora.insights.spreadsheets import Column
from mentora.matching.models import MatchRunStatus, ProposedMatch
from mentora.matching.words import fit_label
from mentora.meetings.models import MeetingStatus
from mentora.mentorships.models import MemberRole, Mentorship, MentorshipKind, MentorshipMember, MentorshipStatus
from mentora.programs.models import Enrollment, EnrollmentRole, EnrollmentStatus, Program

#: Rows fetched from the database at a time (memory stays flat however many rows there are).
CHUNK = 2000
Row = tuple[Any, ...]


@dataclass(frozen=True)
class Scope:
    """The program being exported, and the time zone its dates are given in (the exporter's)."""

    program: Program
    zone: tzinfo
    now: datetime

    @classmethod
    def of(cls, program: Program, *, zone: tzinfo | None = None) -> Scope:
        return cls(program, zone or timezone.get_current_timezone(), timezone.now())

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    @property
    def k(self) -> int:
        """The smallest group a figure may describe, as the program's organization set it."""
        return self.program.organization.min_group_size

    def day(self, moment: datetime | None) -> date | None:
        """The calendar day a moment falls on, in the exporter's zone."""
        return moment.astimezone(self.zone).date() if moment is not None else None


@dataclass(frozen=True)
class Table:
    columns: list[Column]
    rows: Iterator[Row]


def _name(full_name: str, email: str) -> str:
    """A person's name as the product shows it (`User.display_name`)."""
    return full_name or email.split("@")[0]


def _labels(choices: Iterable[tuple[Any, Any]]) -> dict[Any, str]:
    return {value: str(label) for value, label in choices}


def _role_in_mentorship(membership_field: str) -> Subquery:
    """The role the outer row's person holds in the outer row's mentorship."""
    return Subquery(MentorshipMember.objects.filter(
        mentorship_id=OuterRef("mentorship_id"), membership_id=OuterRef(membership_field),
    ).order_by("pk").values("role")[:1])


# --- Records ---------------------------------------------------------------------------------------

def enrolments_table(scope: Scope) -> Table:
    columns = [
        Column(_("Person"), width=26), Column(_("Email"), width=30), Column(_("Department"), width=20),
        Column(_("Job title"), width=24), Column(_("Site"), width=16), Column(_("Job level"), "integer", 9),
        Column(_("Role"), width=10), Column(_("Status"), width=14), Column(_("Applied on"), "date", 12),
        Column(_("Decided on"), "date", 12), Column(_("Mentee places"), "integer", 10),
        Column(_("Mentees matched"), "integer", 10), Column(_("Training completed on"), "date", 12),
    ]
    roles, statuses = _labels(EnrollmentRole.choices), _labels(EnrollmentStatus.choices)
    enrolments = Enrollment.objects.filter(program=scope.program).order_by(
        "role", "membership__user__full_name", "membership__user__email", "pk",
    ).values_list(
        "membership__user__full_name", "membership__user__email", "membership__profile__department",
        "membership__profile__job_title", "membership__profile__location", "membership__profile__level", "role",
        "status", "created_at", "decided_at", "capacity", "assigned", "training_completed_at",
    )

    def rows() -> Iterator[Row]:
        for (full_name, email, department, job_title, site, level, role, status, applied_at, decided_at, capacity,
             assigned, trained_at) in enrolments.iterator(chunk_size=CHUNK):
            yield (_name(full_name, email), email, department, job_title, site, level, roles.get(role, role),
                   statuses.get(status, status), scope.day(applied_at), scope.day(decided_at), capacity,
                   assigned if role == EnrollmentRole.MENTOR else None, scope.day(trained_at))

    return Table(columns, rows())


def _members_in_words(scope: Scope) -> Iterator[tuple[int, str]]:
    """Each member of the program's mentorships as "Name (role)", in mentorship order, mentors first,
    then by name."""
    roles = _labels(MemberRole.choices)
    members = MentorshipMember.objects.filter(mentorship__program=scope.program).order_by(
        "mentorship_id", Case(When(role__in=[MemberRole.MENTOR, MemberRole.FACILITATOR], then=Value(0)), default=Value(1)),
        "membership__user__full_name", "pk",
    ).values_list("mentorship_id", "role", "left_at", "membership__user__full_name", "membership__user__email")
    for mentorship_id, role, left_at, full_name, email in members.iterator(chunk_size=CHUNK):
        role_words = roles.get(role, role).lower()
        if left_at is not None:
            role_words = _("%(role)s, left on %(day)s") % {"role": role_words, "day": scope.day(left_at)}
        yield mentorship_id, f"{_name(full_name, email)} ({role_words})"


def _with_members(rows: Iterator[Row], members: Iterator[tuple[int, str]]) -> Iterator[tuple[Row, str]]:
    """Pair each row (whose first value is a mentorship id, ascending) with its members, joined.

    Both streams are in mentorship order, so one pass over each suffices (a merge join): two
    queries and one row in memory at a time, however many mentorships the program has.

    >>> list(_with_members(iter([(1,), (2,), (4,)]), iter([(1, "A"), (1, "B"), (3, "C"), (4, "D")])))
    [((1,), 'A; B'), ((2,), ''), ((4,), 'D')]
    """
    pending = next(members, None)
    for row in rows:
        names = []
        while pending is not None and pending[0] < row[0]:
            pending = next(members, None)
        while pending is not None and pending[0] == row[0]:
            names.append(pending[1])
            pending = next(members, None)
        yield row, "; ".join(names)


def _published_proposals() -> QuerySet[ProposedMatch]:
    """Proposals of the program's published runs that seat two members of the outer mentorship
    (a pair, a peer pair, or a circle's facilitator with each mentee), published when it was made."""
    return ProposedMatch.objects.filter(
        run__program_id=OuterRef("program_id"), run__status=MatchRunStatus.PUBLISHED,
        run__published_at__gte=OuterRef("created_at"),
        mentee__mentorship_memberships__mentorship_id=OuterRef("pk"),
        mentor__mentorship_memberships__mentorship_id=OuterRef("pk"),
    )


def mentorships_table(scope: Scope) -> Table:
    columns = [
        Column(_("Mentorship"), "integer", 11), Column(_("Kind"), width=18), Column(_("Status"), width=12),
        Column(_("How it started"), width=24), Column(_("Topic"), width=20), Column(_("Members"), width=48),
        Column(_("Started on"), "date", 12), Column(_("Planned end"), "date", 12), Column(_("Ended on"), "date", 12),
        Column(_("Match run"), "integer", 10), Column(_("Match score (0–1)"), "decimal", 11),
        Column(_("Fit"), width=20),
    ]
    kinds, statuses = _labels(MentorshipKind.choices), _labels(MentorshipStatus.choices)
    sources = _labels(Mentorship.Source.choices)
    from_run = Q(source=Mentorship.Source.MATCH_RUN)
    run_id = _published_proposals().order_by("run__published_at", "run_id").values("run_id")[:1]
    # A circle has one proposal per mentee: its score is their mean.
    score = (_published_proposals().order_by().values("run_id").annotate(mean=Avg("score"))
             .order_by("run__published_at", "run_id").values("mean")[:1])
    mentorships = Mentorship.objects.filter(program=scope.program).annotate(
        run=Case(When(from_run, then=Subquery(run_id)), default=None),
        score=Case(When(from_run, then=Subquery(score)), default=None),
    ).order_by("pk").values_list("pk", "kind", "status", "source", "topic", "started_on", "ends_on", "ended_at",
                                 "run", "score")

    def rows() -> Iterator[Row]:
        for (pk, kind, status, source, topic, started_on, ends_on, ended_at, run, match_score), members in _with_members(
            mentorships.iterator(chunk_size=CHUNK), _members_in_words(scope),
        ):
            yield (pk, kinds.get(kind, kind), statuses.get(status, status), sources.get(source, source), topic, members,
                   started_on, ends_on, scope.day(ended_at), run, None if match_score is None else round(match_score, 2),
                   fit_label(match_score) if match_score is not None else None)

    return Table(columns, rows())


def meetings_table(scope: Scope) -> Table:
    columns = [
        Column(_("Mentorship"), "integer", 11), Column(_("Status"), width=12), Column(_("Members"), width=48),
        Column(_("Booked"), "integer", 9), Column(_("Held"), "integer", 9), Column(_("Missed"), "integer", 9),
        Column(_("Cancelled"), "integer", 10), Column(_("Upcoming"), "integer", 10),
        Column(_("Attendance not recorded"), "integer", 12), Column(_("First meeting held on"), "date", 13),
        Column(_("Last meeting held on"), "date", 13),
    ]
    statuses = _labels(MentorshipStatus.choices)
    scheduled = Q(meetings__status=MeetingStatus.SCHEDULED)
    held = scheduled & Q(meetings__happened=True)
    not_recorded = scheduled & Q(meetings__happened__isnull=True)
    # Booked = held + missed + cancelled + upcoming + not recorded: every meeting is in exactly one.
    mentorships = Mentorship.objects.filter(program=scope.program).annotate(
        booked=Count("meetings"), held=Count("meetings", filter=held),
        missed=Count("meetings", filter=scheduled & Q(meetings__happened=False)),
        cancelled=Count("meetings", filter=Q(meetings__status=MeetingStatus.CANCELLED)),
        upcoming=Count("meetings", filter=not_recorded & Q(meetings__ends_at__gt=scope.now)),
        unrecorded=Count("meetings", filter=not_recorded & Q(meetings__ends_at__lte=scope.now)),
        first_held=Min("meetings__starts_at", filter=held), last_held=Max("meetings__starts_at", filter=held),
    ).order_by("pk").values_list("pk", "status", "booked", "held", "missed", "cancelled", "upcoming", "unrecorded",
                                 "first_held", "last_held")

    def rows() -> Iterator[Row]:
        for (pk, status, *counts, first_held, last_held), members in _with_members(
            mentorships.iterator(chunk_size=CHUNK), _members_in_words(scope),
        ):
            yield (pk, statuses.get(status, status), members, *counts, scope.day(first_held), scope.day(last_held))

    return Table(columns, rows())


def goals_table(scope: Scope) -> Table:
    columns = [
        Column(_("Mentorship"), "integer", 11), Column(_("Goal"), width=36), Column(_("Owner"), width=24),
        Column(_("Owner's role"), width=12), Column(_("Status"), width=12), Column(_("Target date"), "date", 12),
        Column(_("Milestones done"), "integer", 11), Column(_("Milestones"), "integer", 11),
        Column(_("Milestones overdue"), "integer", 11), Column(_("Steps done"), "integer", 9),
        Column(_("Steps"), "integer", 9), Column(_("Progress (%)"), "integer", 10),
    ]
    statuses, roles = _labels(GoalStatus.choices), _labels(MemberRole.choices)
    goals = Goal.objects.filter(mentorship__program=scope.program).with_progress().annotate(
        n_milestones_overdue=Count("milestones", distinct=True, filter=Q(
            milestones__done_at__isnull=True, milestones__due_on__lt=scope.today)),
        owner_role=_role_in_mentorship("owner_id"),
    ).select_related("owner__user").only(
        "pk", "mentorship_id", "title", "status", "target_on", "owner__user__full_name", "owner__user__email",
    ).order_by("mentorship_id", "target_on", "pk")

    def rows() -> Iterator[Row]:
        for goal in goals.iterator(chunk_size=CHUNK):
            counts: dict[str, Any] = goal.__dict__
            is_open = goal.status in (GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS)
            yield (goal.mentorship_id, goal.title, _name(goal.owner.user.full_name, goal.owner.user.email),
                   roles.get(counts["owner_role"], counts["owner_role"]), statuses.get(goal.status, goal.status),
                   goal.target_on, counts["n_milestones_done"], counts["n_milestones"],
                   counts["n_milestones_overdue"] if is_open else 0, counts["n_items_done"], counts["n_items"],
                   goal.progress)

    return Table(columns, rows())


def check_ins_table(scope: Scope) -> Table:
    columns = [
        Column(_("Mentorship"), "integer", 11), Column(_("Respondent's role"), width=13), Column(_("Round"), "integer", 8),
        Column(_("Due on"), "date", 12), Column(_("Sent on"), "date", 12), Column(_("Answered on"), "date", 12),
        Column(_("State"), width=20), Column(_("Flagged to a coordinator"), width=12),
    ]
    roles = _labels(MemberRole.choices)
    states = {"answered": _("Answered"), "overdue": _("Overdue"), "pending": _("Waiting for an answer"),
              "unsent": _("Not sent yet")}
    yes, no = _("yes"), _("no")
    check_ins = CheckIn.objects.filter(mentorship__program=scope.program).annotate(
        respondent_role=_role_in_mentorship("respondent_id"),
        is_flagged=Case(When(flag_to_coordinator="", then=Value(0)), default=Value(1), output_field=IntegerField()),
    ).only("pk", "mentorship_id", "sequence", "due_on", "sent_at", "resent_at", "answered_at").order_by(
        "mentorship_id", "sequence", "pk")

    def rows() -> Iterator[Row]:
        for check_in in check_ins.iterator(chunk_size=CHUNK):
            extra: dict[str, Any] = check_in.__dict__
            state = "unsent" if check_in.sent_at is None and check_in.answered_at is None else check_in.state
            yield (check_in.mentorship_id, roles.get(extra["respondent_role"], extra["respondent_role"]), check_in.sequence,
                   check_in.due_on, scope.day(check_in.sent_at), scope.day(check_in.answered_at), states[state],
                   yes if extra["is_flagged"] else no)

    return Table(columns, rows())


# --- Group figures ---------------------------------------------------------------------------------

def _hidden_note(k: int) -> str:
    return _("Hidden: fewer than %(k)d people, or hidden with a smaller group so it cannot be worked out "
             "from the total.") % {"k": k}


def _half_up(value: float, decimals: int = 0) -> float:
    """Round halves up, as people do (Python's `round` sends 4.25 to 4.2).

    >>> _half_up(4.25, 1), _half_up(82.5), _half_up(-12.5)
    (4.3, 83.0, -12.0)
    """
    scale: float = 10.0**decimals
    return math.floor(value * scale + 0.5) / scale


def _mean(total: int | None, count: int) -> float | None:
    return _half_up(total / count, 1) if total is not None and count else None


def _percent(part: int, whole: int) -> int | None:
    return int(_half_up(100 * part / whole)) if whole else None


def check_in_results_table(scope: Scope) -> Table:
    columns = [
        Column(_("Round"), width=12), Column(_("People who answered"), "integer", 12), Column(_("Answers"), "integer", 10),
        Column(_("Going well (mean, 1–5)"), "decimal", 12, 1), Column(_("Useful (mean, 1–5)"), "decimal", 12, 1),
        Column(_("Meeting as agreed (%)"), "integer", 12), Column(_("Note"), width=60),
    ]
    rounds = CheckIn.objects.filter(mentorship__program=scope.program, answered_at__isnull=False).values(
        "sequence").annotate(
        people=Count("respondent", distinct=True), answers=Count("pk"), going_well=Sum("going_well"),
        usefulness=Sum("usefulness"), regular=Count("pk", filter=Q(meeting_regularly=True)),
    ).order_by("sequence")

    def rows() -> Iterator[Row]:
        # The rounds share their people, so there is no all-rounds total to subtract them from:
        # each round stands alone and is shown only when at least k people answered it.
        for found in rounds:
            label = _("Round %(n)d") % {"n": found["sequence"]}
            if not enough_answers(found["people"], k=scope.k):
                yield (label, None, None, None, None, None, _hidden_note(scope.k))
                continue
            yield (label, found["people"], found["answers"], _mean(found["going_well"], found["answers"]),
                   _mean(found["usefulness"], found["answers"]), _percent(found["regular"], found["answers"]), "")

    return Table(columns, rows())


def evaluation_results_table(scope: Scope) -> Table:
    columns = [
        Column(_("Who answered"), width=16), Column(_("People"), "integer", 9),
        Column(_("Satisfaction (mean, 1–5)"), "decimal", 13, 1), Column(_("NPS (−100 to 100)"), "integer", 11),
        Column(_("Promoters (9–10)"), "integer", 11), Column(_("Passives (7–8)"), "integer", 11),
        Column(_("Detractors (0–6)"), "integer", 11), Column(_("Outcomes reached: fully"), "integer", 11),
        Column(_("Partly"), "integer", 9), Column(_("Not yet"), "integer", 9), Column(_("Note"), width=60),
    ]
    figures: dict[str, Any] = {
        "answers": Count("pk"), "satisfaction": Sum("satisfaction"), "promoters": Count("pk", filter=Q(nps__gte=9)),
        "passives": Count("pk", filter=Q(nps__gte=7, nps__lte=8)), "detractors": Count("pk", filter=Q(nps__lte=6)),
        **{outcome: Count("pk", filter=Q(outcomes=outcome)) for outcome in Outcome.values},
    }
    evaluations = Evaluation.objects.filter(mentorship__program=scope.program)
    plural = {MemberRole.MENTOR: _("Mentors"), MemberRole.FACILITATOR: _("Facilitators"),
              MemberRole.MENTEE: _("Mentees"), MemberRole.PEER: _("Peers")}

    def row(label: str, people: int | None, found: dict[str, Any] | None) -> Row:
        if people is None or found is None:
            return (label, *([None] * 9), _hidden_note(scope.k))
        answers = found["answers"]
        nps = int(_half_up(100 * (found["promoters"] - found["detractors"]) / answers)) if answers else None
        return (label, people, _mean(found["satisfaction"], answers), nps, found["promoters"], found["passives"],
                found["detractors"], found[Outcome.FULLY], found[Outcome.PARTLY], found[Outcome.NOT], "")

    def rows() -> Iterator[Row]:
        by_role = {found["role"]: found for found in evaluations.annotate(role=_role_in_mentorship("membership_id"))
                   .values("role").annotate(people=Count("membership", distinct=True), **figures).order_by()}
        everyone = evaluations.aggregate(people=Count("membership", distinct=True), **figures)
        if not everyone["people"]:
            return
        shown = [role for role in plural if role in by_role]
        groups = suppress_groups([Group(str(plural[role]), by_role[role]["people"]) for role in shown], k=scope.k)
        for role, group in zip(shown, groups, strict=True):
            yield row(group.label, group.size, None if group.is_hidden else by_role[role])
        people = everyone["people"]
        yield row(_("Everyone"), people if enough_answers(people, k=scope.k) else None, everyone)

    return Table(columns, rows())


def departments_table(scope: Scope) -> Table:
    columns = [
        Column(_("Department"), width=24), Column(_("People who applied"), "integer", 12),
        Column(_("Approved"), "integer", 10), Column(_("In a mentorship"), "integer", 12),
        Column(_("In a completed mentorship"), "integer", 14), Column(_("Note"), width=60),
    ]
    program = scope.program
    seat = Q(membership__mentorship_memberships__mentorship__program=program)
    figures: dict[str, Any] = {
        "applied": Count("membership", distinct=True),
        "approved": Count("membership", distinct=True, filter=Q(status=EnrollmentStatus.APPROVED)),
        "matched": Count("membership", distinct=True, filter=seat),
        "completed": Count("membership", distinct=True, filter=seat & Q(
            membership__mentorship_memberships__mentorship__status=MentorshipStatus.COMPLETED)),
    }
    enrolments = Enrollment.objects.filter(program=program)

    def rows() -> Iterator[Row]:
        by_department = list(enrolments.values(department=Coalesce("membership__profile__department", Value("")))
                             .annotate(**figures).order_by("department"))
        everyone = enrolments.aggregate(**figures)
        if not everyone["applied"]:
            return
        groups = suppress_groups([
            Group(found["department"] or _("No department given"), found["applied"],
                  {name: found[name] for name in ("approved", "matched", "completed")})
            for found in by_department
        ], k=scope.k)
        for group in groups:
            if group.counts is None:
                yield (group.label, None, None, None, None, _hidden_note(scope.k))
            else:
                yield (group.label, group.size, group.counts["approved"], group.counts["matched"],
                       group.counts["completed"], "")
        if enough_answers(everyone["applied"], k=scope.k):
            yield (_("All departments"), everyone["applied"], everyone["approved"], everyone["matched"],
                   everyone["completed"], "")
        else:
            yield (_("All departments"), None, None, None, None, _hidden_note(scope.k))

    return Table(columns, rows())
