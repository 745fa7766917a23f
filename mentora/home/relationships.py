"""A participant's mentorships as cards, their next meeting, and a mentor's load (fixed queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Case, IntegerField, OuterRef, Prefetch, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentora.accounts.models import Membership
from mentora.goals.models import Goal, GoalStatus
from mentora.meetings.models import Meeting, MeetingChannel, MeetingStatus
from mentora.mentorships.models import (
    OPEN_STATUSES,
    Mentorship,
    MentorshipMember,
    SessionLog,
)
from mentora.messaging.models import Message
from mentora.programs.models import Enrollment, EnrollmentRole, EnrollmentStatus, ProgramStatus

__all__ = ["MentorLoad", "MentorshipCard", "NextMeeting", "mentor_loads", "mentorship_cards", "next_meeting"]

#: Cards shown on the home page; older closed mentorships stay on the "Mentorships" page.
MAX_CARDS = 24
#: A meeting this close is "soon": the card says so and offers the details.
SOON = timedelta(hours=24)

CURRENT_MEMBERS = Prefetch(
    "members",
    queryset=MentorshipMember.objects.filter(left_at__isnull=True).select_related("membership__user", "membership__profile"),
)


@dataclass
class MentorshipCard:
    """One of my mentorships, seen from my seat: the other people, what comes next, how far we got."""

    mentorship: Mentorship
    my_role: str
    others: list[Membership]
    next_meeting_at: datetime | None
    last_activity_at: datetime | None
    goals_total: int = 0
    goals_achieved: int = 0
    progress: int = 0

    @property
    def face(self) -> Membership | None:
        return self.others[0] if self.others else None

    @property
    def names(self) -> str:
        """“Ana Silva”, “Ana Silva and Bo Lee”, or “Ana Silva and 4 others” for a circle."""
        names = [m.user.display_name for m in self.others]
        if len(names) <= 2:
            return _(" and ").join(names)
        return ngettext("%(first)s and %(n)d other", "%(first)s and %(n)d others", len(names) - 1) % {
            "first": names[0], "n": len(names) - 1}

    @property
    def progress_words(self) -> str:
        if not self.goals_total:
            return _("No goals yet")
        achieved = ngettext("%(done)d of %(total)d goal achieved", "%(done)d of %(total)d goals achieved",
                            self.goals_total) % {"done": self.goals_achieved, "total": self.goals_total}
        return _("%(pct)d%% of the way · %(achieved)s") % {"pct": self.progress, "achieved": achieved}


@dataclass
class NextMeeting:
    meeting: Meeting
    with_names: str
    can_join: bool
    is_soon: bool
    join_url: str = ""
    others: list[Membership] = field(default_factory=list)


@dataclass
class MentorLoad:
    enrollment: Enrollment

    @property
    def taken(self) -> int:
        return self.enrollment.assigned

    @property
    def capacity(self) -> int:
        return self.enrollment.capacity or 0

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.taken / self.capacity)) if self.capacity else 0

    @property
    def words(self) -> str:
        free = max(0, self.capacity - self.taken)
        taken = ngettext("%(taken)d of %(capacity)d place taken", "%(taken)d of %(capacity)d places taken",
                         self.capacity) % {"taken": self.taken, "capacity": self.capacity}
        if free == 0:
            return _("%(taken)s — you are full") % {"taken": taken}
        return ngettext("%(taken)s — %(free)d free", "%(taken)s — %(free)d free", free) % {"taken": taken, "free": free}


def _as_datetime(day: date | None) -> datetime | None:
    return timezone.make_aware(datetime.combine(day, time(12))) if day else None


def mentorship_cards(membership: Membership, *, now: datetime) -> list[MentorshipCard]:
    """My mentorships in this organization, open ones first (4 queries, however many)."""
    next_meeting_at = (Meeting.objects.filter(mentorship=OuterRef("pk"), status=MeetingStatus.SCHEDULED, ends_at__gt=now)
                       .order_by("starts_at").values("starts_at")[:1])
    last_meeting_at = (Meeting.objects.filter(mentorship=OuterRef("pk"), status=MeetingStatus.SCHEDULED, starts_at__lte=now)
                       .order_by("-starts_at").values("starts_at")[:1])
    last_message_at = (Message.objects.filter(conversation__mentorship=OuterRef("pk"))
                       .order_by("-created_at").values("created_at")[:1])
    last_session_on = SessionLog.objects.filter(mentorship=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
    mentorships = list(
        Mentorship.objects.for_member(membership)
        .filter(program__organization_id=membership.organization_id)
        .select_related("program")
        .prefetch_related(CURRENT_MEMBERS)
        .annotate(
            is_open_rank=Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()),
            next_meeting_at=Subquery(next_meeting_at), last_meeting_at=Subquery(last_meeting_at),
            last_message_at=Subquery(last_message_at), last_session_on=Subquery(last_session_on),
        )
        .order_by("is_open_rank", "-created_at")[:MAX_CARDS]
    )
    goals_by_mentorship: dict[int, list[Goal]] = {}
    for goal in Goal.objects.filter(mentorship__in=mentorships).exclude(status=GoalStatus.DROPPED).with_progress():
        goals_by_mentorship.setdefault(goal.mentorship_id, []).append(goal)
    cards = []
    for mentorship in mentorships:
        seats = mentorship.active_members()
        mine = next((s for s in seats if s.membership_id == membership.pk), None)
        goals = goals_by_mentorship.get(mentorship.pk, [])
        annotations = mentorship.__dict__
        moments = [annotations["last_meeting_at"], annotations["last_message_at"], _as_datetime(annotations["last_session_on"])]
        cards.append(MentorshipCard(
            mentorship=mentorship,
            my_role=mine.get_role_display() if mine else "",
            others=[s.membership for s in seats if s.membership_id != membership.pk],
            next_meeting_at=annotations["next_meeting_at"],
            last_activity_at=max((m for m in moments if m is not None), default=None),
            goals_total=len(goals),
            goals_achieved=sum(1 for g in goals if g.status == GoalStatus.ACHIEVED),
            progress=round(sum(g.progress for g in goals) / len(goals)) if goals else 0,
        ))
    return cards


def next_meeting(membership: Membership, *, cards: list[MentorshipCard], now: datetime) -> NextMeeting | None:
    """My next scheduled meeting in this organization, with a join link when the room is open (1 query)."""
    meeting = (
        Meeting.objects.scheduled().upcoming(now)
        .filter(attendees__user_id=membership.user_id, attendees__is_active=True,
                mentorship__program__organization_id=membership.organization_id)
        .select_related("mentorship__program").order_by("starts_at").first()
    )
    if meeting is None:
        return None
    card = next((c for c in cards if c.mentorship.pk == meeting.mentorship_id), None)
    can_join = meeting.room_is_open(now)
    join_url = ""
    if can_join:
        join_url = reverse("meetings:room", args=[membership.organization.slug, meeting.pk])
    elif meeting.channel == MeetingChannel.EXTERNAL and meeting.location.startswith("https://"):
        can_join = meeting.starts_at - now <= timedelta(minutes=10)
        join_url = meeting.location if can_join else ""
    return NextMeeting(meeting=meeting, with_names=card.names if card else "", can_join=can_join,
                       is_soon=meeting.starts_at - now <= SOON, join_url=join_url,
                       others=card.others if card else [])


def mentor_loads(enrollments: list[Enrollment]) -> list[MentorLoad]:
    """Places taken and offered in each live program where I mentor, from my enrolments (with their
    programs, already read for the page: no query)."""
    mentoring = [e for e in enrollments if e.role == EnrollmentRole.MENTOR and e.status == EnrollmentStatus.APPROVED
                 and e.program.status != ProgramStatus.ARCHIVED]
    return [MentorLoad(enrollment=e) for e in sorted(mentoring, key=lambda e: e.program.name)]
