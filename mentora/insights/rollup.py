"""The organization's programs side by side: one row of figures each (7 grouped queries in all)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.utils import timezone

from mentora.core.models import Organization
from mentora.core.suppression import MIN_GROUP, enough_answers
from mentora.feedback.models import CheckIn, Evaluation
from mentora.meetings.models import Meeting
from mentora.mentorships.models import Mentorship, MentorshipMember, MentorshipStatus, SessionLog
from mentora.programs.models import Enrollment, EnrollmentRole, EnrollmentStatus, Program, ProgramStatus

from .health import PARTICIPANT_ROLES, held_meetings

__all__ = ["QUIET_AFTER", "ProgramRow", "organization_rollup"]

#: An active mentorship with nothing held for this long counts as quiet.
QUIET_AFTER = timedelta(days=21)
RECENT = timedelta(days=30)


@dataclass(frozen=True)
class ProgramRow:
    program: Program
    participants: int
    matched: int
    active: int
    completed: int
    ended_early: int
    met_recently: int  # active pairs with a meeting or session in the last 30 days
    quiet: int
    check_ins: int
    going_well: float | None
    evaluations: int
    promoters: int
    detractors: int
    k: int = MIN_GROUP  # the organization's smallest group

    @property
    def match_percent(self) -> int | None:
        return min(100, round(100 * self.matched / self.participants)) if self.participants else None

    @property
    def met_percent(self) -> int | None:
        return round(100 * self.met_recently / self.active) if self.active else None

    @property
    def nps(self) -> int | None:
        if not enough_answers(self.evaluations, k=self.k):
            return None
        return round(100 * (self.promoters - self.detractors) / self.evaluations)


def organization_rollup(organization: Organization, *, now: datetime | None = None,
                        include_archived: bool = False) -> list[ProgramRow]:
    """Every program of the organization with its headline figures, newest first."""
    now = now or timezone.now()
    programs = Program.objects.in_organization(organization)
    if not include_archived:
        programs = programs.exclude(status=ProgramStatus.ARCHIVED)
    program_list = list(programs.order_by("-starts_on", "name"))
    ids = [program.pk for program in program_list]
    participants = dict(
        Enrollment.objects.filter(program_id__in=ids, status=EnrollmentStatus.APPROVED,
                                  role__in=[EnrollmentRole.MENTEE, EnrollmentRole.PEER])
        .order_by().values_list("program_id").annotate(n=Count("pk")))
    matched = dict(
        MentorshipMember.objects.filter(program_id__in=ids, role__in=PARTICIPANT_ROLES)
        .order_by().values_list("program_id").annotate(n=Count("membership_id", distinct=True)))
    statuses = {
        row["program_id"]: row for row in Mentorship.objects.filter(program_id__in=ids).order_by().values("program_id")
        .annotate(active=Count("pk", filter=Q(status=MentorshipStatus.ACTIVE)),
                  completed=Count("pk", filter=Q(status=MentorshipStatus.COMPLETED)),
                  ended_early=Count("pk", filter=Q(status=MentorshipStatus.ENDED_EARLY)))}
    recent_since, quiet_since = now - RECENT, now - QUIET_AFTER

    def met_since(since: datetime) -> Q:
        return Q(Exists(Meeting.objects.filter(held_meetings(now), mentorship=OuterRef("pk"), starts_at__gte=since))) | Q(
            Exists(SessionLog.objects.filter(mentorship=OuterRef("pk"), held_on__gte=since.date())))

    activity = {
        row["program_id"]: row for row in
        Mentorship.objects.filter(program_id__in=ids, status=MentorshipStatus.ACTIVE).order_by().values("program_id")
        .annotate(recent=Count("pk", filter=met_since(recent_since)),
                  quiet=Count("pk", filter=~met_since(quiet_since) & Q(started_on__lte=quiet_since.date())))}
    check_ins = {
        row["mentorship__program_id"]: row for row in
        CheckIn.objects.filter(mentorship__program_id__in=ids, answered_at__gte=now - timedelta(days=90),
                               going_well__isnull=False)
        .order_by().values("mentorship__program_id").annotate(n=Count("pk"), avg=Avg("going_well"))}
    evaluations = {
        row["mentorship__program_id"]: row for row in
        Evaluation.objects.filter(mentorship__program_id__in=ids).order_by().values("mentorship__program_id")
        .annotate(n=Count("pk"), promoters=Count("pk", filter=Q(nps__gte=9)), detractors=Count("pk", filter=Q(nps__lte=6)))}
    rows = []
    for program in program_list:
        status = statuses.get(program.pk, {})
        act = activity.get(program.pk, {})
        check = check_ins.get(program.pk, {})
        evaluation = evaluations.get(program.pk, {})
        answers = check.get("n", 0)
        rows.append(ProgramRow(
            program=program, participants=participants.get(program.pk, 0), matched=matched.get(program.pk, 0),
            active=status.get("active", 0), completed=status.get("completed", 0), ended_early=status.get("ended_early", 0),
            met_recently=act.get("recent", 0), quiet=act.get("quiet", 0), check_ins=answers,
            going_well=round(check["avg"], 1) if enough_answers(answers, k=organization.min_group_size) else None,
            evaluations=evaluation.get("n", 0), promoters=evaluation.get("promoters", 0),
            detractors=evaluation.get("detractors", 0), k=organization.min_group_size,
        ))
    return rows
