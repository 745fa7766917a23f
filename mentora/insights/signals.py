"""What a coordinator could read off each open mentorship: the signals the risk score weighs.

`collect_signals` builds one `MentorshipSignals` per active or paused mentorship of a program (or of a
list of ids) in seven queries, however many mentorships there are: aggregates and subqueries, never a
query per row. The dataclass holds plain values only (numbers, booleans, first names), so the scoring
in `mentora.insights.risk` is pure and the back-test (`bench/at_risk.py`) builds the same signals from
generated histories without a database.

Definitions (``now`` is the moment of the snapshot, ``today`` its date in the current time zone):

- *met*: a meeting marked held, or a past scheduled meeting nobody cancelled or marked "did not
  happen" (attendance is often not recorded), or a logged session;
- *unanswered*: messages one person wrote that nobody else in the mentorship has written after,
  counted when older than `UNANSWERED_AFTER`;
- *missed*: meetings marked "did not happen" that started in the last `RECENT` days;
- *check-ins*: each member's latest two answers to "How is it going?" (1–5); the mentorship shows the
  member whose latest answer is lowest (on a tie, the one whose answers fell most);
- *overdue milestones*: due before today, not done, on a goal neither achieved nor dropped;
- *agreement unconfirmed*: no agreement yet, or its latest version lacks a current member's confirmation;
- *activity*: messages written and meetings booked (a recurring series counts once) in the last
  `ACTIVITY_WINDOW` days, per person; `busiest_share` is the busiest person's share of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, NamedTuple

from django.db.models import Count, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from mentora.feedback.models import CheckIn
from mentora.goals.models import GoalStatus, Milestone
from mentora.meetings.models import Meeting, MeetingStatus
from mentora.mentorships.models import (
    Agreement,
    AgreementConfirmation,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    SessionLog,
)
from mentora.messaging.models import Message
from mentora.programs.models import Program

__all__ = ["ACTIVITY_WINDOW", "ASSESSED", "RECENT", "UNANSWERED_AFTER", "MentorshipSignals", "collect_signals", "first_name"]

#: The window for missed meetings.
RECENT = timedelta(days=60)
#: The window for who carries the activity (recent enough to show one side fading).
ACTIVITY_WINDOW = timedelta(days=30)
#: A message counts as unanswered once it has waited this long.
UNANSWERED_AFTER = timedelta(days=3)
#: The states whose mentorships are assessed (open and under way; proposed ones have not started).
ASSESSED = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)
#: Queries `collect_signals` runs, whatever the number of mentorships (a test holds it to this).
QUERIES = 7


@dataclass(frozen=True)
class MentorshipSignals:
    """The observable state of one open mentorship at a moment (plain values, no Django objects).

    Day counts are whole days; `None` means "never" (no meeting yet, no message yet, no check-in).
    """

    mentorship_id: int
    is_paused: bool
    days_since_start: int
    days_since_match: int
    days_since_meeting: int | None
    days_since_message: int | None
    unanswered_messages: int = 0
    unanswered_days: int = 0
    unanswered_from: str = ""
    missed_meetings: int = 0
    check_in_latest: int | None = None
    check_in_previous: int | None = None
    overdue_milestones: int = 0
    has_agreement: bool = False
    agreement_unconfirmed: bool = True
    agreement_waiting_for: tuple[str, ...] = ()
    activity_count: int = 0
    busiest_share: float = 0.0
    busiest_name: str = ""

    @property
    def days_without_meeting(self) -> int:
        """Days since the last meeting, or since the start when they have not met yet."""
        return self.days_since_start if self.days_since_meeting is None else self.days_since_meeting

    @property
    def days_without_message(self) -> int:
        """Days since the last message, or since the start when nobody has written yet."""
        return self.days_since_start if self.days_since_message is None else self.days_since_message

    @property
    def activity_days(self) -> int:
        """The days `activity_count` covers: the activity window, or the days since the start if fewer."""
        return max(min(ACTIVITY_WINDOW.days, self.days_since_start), 1)

    @property
    def contacts_per_week(self) -> float:
        """Messages written and meetings booked a week, over `activity_days`."""
        return 7 * self.activity_count / self.activity_days

    @property
    def check_in_change(self) -> int:
        """How the shown member's latest check-in moved from their previous one (0 without two)."""
        if self.check_in_latest is None or self.check_in_previous is None:
            return 0
        return self.check_in_latest - self.check_in_previous


def first_name(display_name: str) -> str:
    """The name a sentence uses for a person: the first word of their display name.

    >>> first_name("Ana Lima"), first_name("sam")
    ('Ana', 'sam')
    """
    return display_name.split()[0] if display_name.strip() else display_name


def _days(today: date, day: date | None) -> int | None:
    return None if day is None else max((today - day).days, 0)


def _latest(queryset: QuerySet[Any], field: str) -> Subquery:
    """The newest `field` of the outer mentorship's rows (a correlated subquery)."""
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1])


def _count(queryset: QuerySet[Any], group: str) -> Coalesce:
    """How many of the outer mentorship's rows (0 when none), grouped on the column `group`."""
    counted = queryset.values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def collect_signals(
    *, program: Program | None = None, mentorship_ids: Collection[int] | None = None, now: datetime | None = None,
) -> list[MentorshipSignals]:
    """Return the signals of the active and paused mentorships of `program` and/or among
    `mentorship_ids`, oldest match first, in `QUERIES` queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    recent_since = now - RECENT
    activity_since = now - ACTIVITY_WINDOW
    mentorships = Mentorship.objects.filter(status__in=ASSESSED)
    if program is not None:
        mentorships = mentorships.filter(program=program)
    if mentorship_ids is not None:
        mentorships = mentorships.filter(pk__in=list(mentorship_ids))
    in_scope = mentorships.values("pk")  # a subquery: no list of ids is sent, however many there are

    held = Meeting.objects.filter(mentorship=OuterRef("pk"), starts_at__lte=now).filter(
        Q(happened=True) | Q(status=MeetingStatus.SCHEDULED, happened__isnull=True, ends_at__lt=now))
    missed = Meeting.objects.filter(mentorship=OuterRef("pk"), happened=False, starts_at__gte=recent_since,
                                    starts_at__lte=now)
    overdue = Milestone.objects.filter(goal__mentorship=OuterRef("pk"), due_on__lt=today, done_at__isnull=True).exclude(
        goal__status__in=[GoalStatus.ACHIEVED, GoalStatus.DROPPED])
    rows = list(mentorships.annotate(
        last_meeting_at=_latest(held, "starts_at"),
        last_session_on=_latest(SessionLog.objects.filter(mentorship=OuterRef("pk"), held_on__lte=today), "held_on"),
        last_message_at=_latest(Message.objects.visible().filter(
            conversation__mentorship=OuterRef("pk"), created_at__lte=now), "created_at"),
        missed=_count(missed, "mentorship"),
        overdue=_count(overdue, "goal__mentorship"),
        latest_agreement=_latest(Agreement.objects.filter(mentorship=OuterRef("pk"), created_at__lte=now), "version"),
    ).values("pk", "status", "started_on", "created_at", "last_meeting_at", "last_session_on", "last_message_at",
             "missed", "overdue", "latest_agreement").order_by("created_at", "pk"))

    people: dict[int, list[Person]] = defaultdict(list)  # mentorship → its current members
    for mentorship_id, membership_id, user_id, full_name, email in MentorshipMember.objects.filter(
            mentorship__in=in_scope, left_at__isnull=True).values_list(
            "mentorship_id", "membership_id", "membership__user_id", "membership__user__full_name",
            "membership__user__email").order_by("pk"):
        people[mentorship_id].append(Person(membership_id, user_id, first_name(full_name or email.split("@")[0])))

    activity: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))  # mentorship → user → count
    for written in (Message.objects.visible().filter(
            conversation__mentorship__in=in_scope, author__isnull=False, created_at__gte=activity_since,
            created_at__lte=now).values("conversation__mentorship_id", "author_id").annotate(n=Count("pk")).order_by()):
        activity[written["conversation__mentorship_id"]][written["author_id"]] += written["n"]
    for booked in (Meeting.objects.filter(
            mentorship__in=in_scope, booked_by__isnull=False, created_at__gte=activity_since, created_at__lte=now)
            .values("mentorship_id", "booked_by_id")
            .annotate(n=Count("pk", filter=Q(series__isnull=True)) + Count("series", distinct=True)).order_by()):
        activity[booked["mentorship_id"]][booked["booked_by_id"]] += booked["n"]

    reply_after = Message.objects.visible().filter(
        conversation=OuterRef("conversation"), created_at__gt=OuterRef("created_at"), created_at__lte=now,
    ).exclude(author=OuterRef("author"))
    unanswered: dict[int, dict[str, Any]] = {}
    for waiting in (Message.objects.visible().filter(
            conversation__mentorship__in=in_scope, author__isnull=False, created_at__lte=now - UNANSWERED_AFTER)
            .exclude(Exists(reply_after))
            .values("conversation__mentorship_id", "author_id").annotate(n=Count("pk"), oldest=Min("created_at"))
            .order_by()):
        unanswered[waiting["conversation__mentorship_id"]] = waiting

    answers: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))  # mentorship → respondent → newest first
    ranked = CheckIn.objects.filter(mentorship__in=in_scope, answered_at__isnull=False, answered_at__lte=now).annotate(
        rank=Window(RowNumber(), partition_by=[F("mentorship_id"), F("respondent_id")],
                    order_by=[F("answered_at").desc(), F("pk").desc()]))
    for answer in ranked.filter(rank__lte=2).values("mentorship_id", "respondent_id", "going_well", "rank").order_by(
            "mentorship_id", "respondent_id", "rank"):
        answers[answer["mentorship_id"]][answer["respondent_id"]].append(answer["going_well"])

    latest_versions = Agreement.objects.filter(mentorship=OuterRef("agreement__mentorship"), created_at__lte=now)
    confirmed: dict[int, set[int]] = defaultdict(set)
    for confirmation in AgreementConfirmation.objects.filter(
            agreement__mentorship__in=in_scope, confirmed_at__lte=now,
            agreement__version=_latest(latest_versions, "version")).values("agreement__mentorship_id", "membership_id"):
        confirmed[confirmation["agreement__mentorship_id"]].add(confirmation["membership_id"])

    zone = timezone.get_current_timezone()
    return [_signals(row, people.get(row["pk"], []), activity.get(row["pk"], {}), unanswered.get(row["pk"]),
                     answers.get(row["pk"], {}), confirmed.get(row["pk"], set()), now=now, today=today, zone=zone)
            for row in rows]


class Person(NamedTuple):
    membership_id: int
    user_id: int
    first_name: str


def _signals(
    row: dict[str, Any], people: list[Person], activity: dict[int, int], unanswered: dict[str, Any] | None,
    answers: dict[int, list[int]], confirmed: set[int], *, now: datetime, today: date, zone: tzinfo,
) -> MentorshipSignals:
    """Turn one mentorship's aggregates into its signals (no query)."""
    names = {person.user_id: person.first_name for person in people}
    member_names = {person.membership_id: person.first_name for person in people}
    created_on = row["created_at"].astimezone(zone).date()
    started_on = row["started_on"] or created_on
    met_on = [day for day in (row["last_meeting_at"] and row["last_meeting_at"].astimezone(zone).date(),
                              row["last_session_on"]) if day]
    last_message_at = row["last_message_at"]

    waiting_count, waiting_days, waiting_from = 0, 0, ""
    if unanswered is not None and unanswered["author_id"] in names:
        waiting_count = unanswered["n"]
        waiting_days = (now - unanswered["oldest"]).days
        waiting_from = names[unanswered["author_id"]]

    latest: int | None = None
    previous: int | None = None
    answers = {membership_id: given for membership_id, given in answers.items() if membership_id in member_names}
    if answers:
        # The member whose latest answer is lowest; on a tie, the one whose answers fell most.
        shown = min(answers.values(), key=lambda given: (given[0], given[0] - given[1] if len(given) > 1 else 0))
        latest, previous = shown[0], (shown[1] if len(shown) > 1 else None)

    member_activity = {user_id: count for user_id, count in activity.items() if user_id in names}
    total = sum(member_activity.values())
    busiest = max(member_activity, key=lambda user_id: member_activity[user_id], default=None)
    has_agreement = row["latest_agreement"] is not None
    waiting_for = tuple(name for membership_id, name in member_names.items() if membership_id not in confirmed)
    return MentorshipSignals(
        mentorship_id=row["pk"],
        is_paused=row["status"] == MentorshipStatus.PAUSED,
        days_since_start=_days(today, started_on) or 0,
        days_since_match=_days(today, created_on) or 0,
        days_since_meeting=_days(today, max(met_on)) if met_on else None,
        days_since_message=(now - last_message_at).days if last_message_at else None,
        unanswered_messages=waiting_count, unanswered_days=waiting_days, unanswered_from=waiting_from,
        missed_meetings=row["missed"],
        check_in_latest=latest, check_in_previous=previous,
        overdue_milestones=row["overdue"],
        has_agreement=has_agreement,
        agreement_unconfirmed=not has_agreement or bool(waiting_for),
        agreement_waiting_for=waiting_for if has_agreement else (),
        activity_count=total,
        busiest_share=round(member_activity[busiest] / total, 3) if busiest is not None and total else 0.0,
        busiest_name=names[busiest] if busiest is not None and total else "",
    )
