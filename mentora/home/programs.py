"""Coordinators' home: each program's health at a glance, and what waits on them (4 queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentora.accounts.models import Membership
from mentora.feedback.models import OVERDUE_AFTER_RESEND, CheckIn
from mentora.home.waiting import WaitingItem
from mentora.meetings.models import Meeting, MeetingStatus
from mentora.mentorships.models import (
    OPEN_STATUSES,
    Concern,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    SessionLog,
)
from mentora.programs.models import Enrollment, EnrollmentRole, EnrollmentStatus, Form, Program, ProgramStatus

__all__ = ["FLAG_WINDOW", "QUIET_AFTER", "ProgramHealth", "coordinator_waiting", "program_health"]

#: An active pair with no meeting (held or booked) and no session logged for this long is quiet.
QUIET_AFTER = timedelta(days=21)
#: Check-in flags from this far back count on the program card.
FLAG_WINDOW = timedelta(days=30)
#: Program cards on the home page; the rest are on the Programs page.
MAX_PROGRAMS = 12
PARTICIPANT_ROLES = (EnrollmentRole.MENTEE, EnrollmentRole.PEER)


@dataclass
class ProgramHealth:
    program: Program
    applied: int
    mentors: int
    participants: int
    matched: int
    active: int
    quiet: int
    flags: int
    overdue_check_ins: int

    @property
    def unmatched(self) -> int:
        return max(0, self.participants - self.matched)

    @property
    def matched_percent(self) -> int:
        return round(100 * self.matched / self.participants) if self.participants else 0

    @property
    def is_peer(self) -> bool:
        """Peers match each other: the program needs no mentors."""
        return self.program.form == Form.PEER

    @property
    def needs_attention(self) -> bool:
        return bool(self.applied or self.quiet or self.flags or self.overdue_check_ins)


def _count(rows: QuerySet[Any]) -> Coalesce:
    """The number of `rows` for the outer program, as a subquery (no join, so no double counting)."""
    return Coalesce(Subquery(rows.order_by().values("program").annotate(n=Count("pk")).values("n")[:1],
                             output_field=IntegerField()), 0)


def _quiet_pairs(now: datetime) -> QuerySet[Mentorship]:
    since = now - QUIET_AFTER
    return (
        Mentorship.objects.filter(status=MentorshipStatus.ACTIVE, started_on__lte=since.date())
        .exclude(Exists(Meeting.objects.filter(mentorship=OuterRef("pk"), status=MeetingStatus.SCHEDULED, starts_at__gte=since)))
        .exclude(Exists(SessionLog.objects.filter(mentorship=OuterRef("pk"), held_on__gte=since.date())))
    )


def program_health(membership: Membership, *, now: datetime) -> list[ProgramHealth]:
    """The organization's live programs with their figures (3 queries, however many programs or people)."""
    enrollments = Enrollment.objects.filter(program=OuterRef("pk"))
    programs = list(
        Program.objects.in_organization(membership.organization).exclude(status=ProgramStatus.ARCHIVED)
        .annotate(
            n_applied=_count(enrollments.filter(status=EnrollmentStatus.APPLIED)),
            n_mentors=_count(enrollments.filter(status=EnrollmentStatus.APPROVED, role=EnrollmentRole.MENTOR)),
            n_participants=_count(enrollments.filter(status=EnrollmentStatus.APPROVED, role__in=PARTICIPANT_ROLES)),
            n_matched=_count(MentorshipMember.objects.filter(program=OuterRef("pk"), role__in=PARTICIPANT_ROLES,
                                                             is_open=True, left_at__isnull=True)),
            n_active=_count(Mentorship.objects.filter(program=OuterRef("pk"), status=MentorshipStatus.ACTIVE)),
        )
        .order_by("-starts_on", "name")[:MAX_PROGRAMS]
    )
    ids = [p.pk for p in programs]
    quiet = dict(_quiet_pairs(now).filter(program_id__in=ids).order_by().values_list("program_id").annotate(n=Count("pk")))
    # A check-in left unanswered when its mentorship ended is not a follow-up any more.
    overdue = Q(answered_at__isnull=True, resent_at__lte=now - OVERDUE_AFTER_RESEND, mentorship__status__in=OPEN_STATUSES)
    flagged = Q(answered_at__gte=now - FLAG_WINDOW) & ~Q(flag_to_coordinator="")
    check_ins = {
        row["mentorship__program_id"]: row for row in
        CheckIn.objects.filter(mentorship__program_id__in=ids).filter(overdue | flagged).order_by()
        .values("mentorship__program_id").annotate(flags=Count("pk", filter=flagged), overdue=Count("pk", filter=overdue))
    }
    health = []
    for program in programs:
        figures = program.__dict__
        rows = check_ins.get(program.pk, {})
        health.append(ProgramHealth(
            program=program, applied=figures["n_applied"], mentors=figures["n_mentors"],
            participants=figures["n_participants"], matched=figures["n_matched"], active=figures["n_active"],
            quiet=quiet.get(program.pk, 0), flags=rows.get("flags", 0), overdue_check_ins=rows.get("overdue", 0),
        ))
    return health


def coordinator_waiting(membership: Membership, *, health: list[ProgramHealth]) -> list[WaitingItem]:
    """Decisions and follow-ups waiting on a coordinator, from the program figures and open concerns (1 query)."""
    org = membership.organization.slug
    items = []
    concerns = Concern.objects.visible_to(membership).filter(resolved_at__isnull=True).count()
    if concerns:
        items.append(WaitingItem(
            kind="concerns", url=reverse("mentorships:concerns", args=[org]), action=_("Read the concerns"), is_overdue=True,
            text=ngettext("%(n)d concern reported by a participant is not resolved yet.",
                          "%(n)d concerns reported by participants are not resolved yet.", concerns) % {"n": concerns}))
    for row in health:
        name = row.program.name
        if row.applied:
            items.append(WaitingItem(
                kind="applications", action=_("Decide"),
                url=reverse("programs:enrollments", args=[org, row.program.pk]) + "?status=applied",
                text=ngettext("%(n)d application to %(p)s waits for your decision.",
                              "%(n)d applications to %(p)s wait for your decision.", row.applied) % {"n": row.applied, "p": name}))
        if row.program.status == ProgramStatus.OPEN and row.unmatched and (row.mentors or row.is_peer):
            items.append(WaitingItem(
                kind="unmatched", action=_("Match them"), url=reverse("matching:runs", args=[org, row.program.pk]),
                text=ngettext("%(n)d approved person in %(p)s has no match yet.",
                              "%(n)d approved people in %(p)s have no match yet.", row.unmatched) % {"n": row.unmatched, "p": name}))
        parts = []
        if row.flags:
            parts.append(ngettext("%(n)d check-in flag", "%(n)d check-in flags", row.flags) % {"n": row.flags})
        if row.overdue_check_ins:
            parts.append(ngettext("%(n)d overdue check-in", "%(n)d overdue check-ins", row.overdue_check_ins)
                         % {"n": row.overdue_check_ins})
        if parts:
            items.append(WaitingItem(
                kind="check_in_flags", action=_("See the check-ins"), url=reverse("feedback:flags", args=[org]),
                text=_("%(p)s: %(what)s to read.") % {"p": name, "what": _(" and ").join(parts)}))
        if row.quiet:
            items.append(WaitingItem(
                kind="quiet", action=_("See the pairs"), url=reverse("mentorships:list", args=[org]) + "?status=active",
                text=ngettext("%(n)d pair in %(p)s has not met for three weeks: a friendly nudge may help.",
                              "%(n)d pairs in %(p)s have not met for three weeks: a friendly nudge may help.", row.quiet)
                % {"n": row.quiet, "p": name}))
        if row.program.status == ProgramStatus.DRAFT:
            items.append(WaitingItem(
                kind="draft", action=_("Finish and open it"), url=reverse("programs:edit", args=[org, row.program.pk]),
                is_info=True, text=_("%(p)s is still a draft: open it for enrolment when it is ready.") % {"p": name}))
    return sorted(items, key=lambda item: item.sort_key)
