"""At-risk mentorships: a transparent score from the signals, the reasons in words, and what to do.

`assess` is pure: it adds up weighted *evidence*, one item per signal that says something is wrong,
each with its points and its reason in plain words; the score is the sum, capped at 100. Nothing is
learnt at run time or hidden: `Weights` below is the whole model. The weights were set on the
back-test's tuning seeds (101–103; `bench/at_risk.py`), roughly 30 points per unit of log-odds of a
logistic fit, then rounded; the figures in `docs/insights.md` come from other seeds (1–5).

| evidence | points |
|---|---|
| no meeting (since the start when they have not met) | 0 up to 14 days, rising to 35 at 42 days |
| no message (since the start when nobody has written) | 0 up to 3 days, rising to 35 at 21 days |
| little contact (messages + bookings a week, last 30 days; from day 14; not when they met in the last 14 days) | 0 from 3 a week, rising to 45 at 1 a week |
| unanswered messages | 0 at 3 days of waiting, rising to 75 at 12 days |
| missed meetings (last 60 days) | 7 each, at most 20 |
| latest check-in ("how is it going", 1–5) | 60 for 1–2, 20 for 3 |
| check-ins falling (the same person's previous answer) | 15 when down 2 or more, 5 when down 1 |
| overdue milestones | 10 each, at most 30 |
| agreement, 14+ days after the match | 20 when there is none, 15 when someone has not confirmed it |
| one-sided (one person's share of 6+ messages and bookings, last 30 days) | 40 from 80 %, 25 from 70 % |

A paused mentorship is expected to be quiet: its "no meeting", "no message" and "little contact"
points are halved. `is_at_risk` means a score of at least `AT_RISK` (50, shown as "High risk");
from `WATCH` (25) it is "Watch"; below, "Doing fine".

The suggested action follows the evidence: a latest check-in of 1–2 in a high-risk pair, or a
one-sided pair whose messages wait 12 days or more → offer a rematch (end it without blame and match
again); otherwise the action of the heaviest evidence: silence, little contact, an unconfirmed
agreement or overdue milestones → nudge the pair; unanswered or one-sided messages, missed meetings,
a low or falling check-in → check in with the mentee.

>>> quiet = MentorshipSignals(mentorship_id=1, is_paused=False, days_since_start=60, days_since_match=62,
...     days_since_meeting=34, days_since_message=12, has_agreement=True, agreement_unconfirmed=False,
...     activity_count=10)
>>> verdict = assess(quiet)
>>> verdict.score, verdict.level, verdict.reasons
(58, 'high', ['No meeting for 34 days', 'No message for 12 days', 'Little contact: 10 messages and bookings in the last 30 days'])
>>> verdict.action.kind
'nudge'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentora.insights.models import Nudge
from mentora.insights.services import NUDGE_INTERVAL
from mentora.insights.signals import ASSESSED, RECENT, MentorshipSignals, collect_signals
from mentora.mentorships.models import Mentorship, MentorshipMember
from mentora.programs.models import Program

__all__ = ["AT_RISK", "WATCH", "Action", "Evidence", "ProgramRisk", "Ranked", "RiskAssessment", "Weights", "assess",
           "assess_program", "program_risks", "rank_program"]

#: The default threshold: from this score a mentorship is "at risk" (shown as "High risk").
AT_RISK = 50
#: From this score a mentorship is worth watching.
WATCH = 25
#: Up to this many mentorships are loaded by id; beyond, by program (no endless IN list).
MAX_LISTED_IDS = 500

NUDGE, CHECK_IN, REMATCH = "nudge", "check_in", "rematch"


@dataclass(frozen=True)
class Evidence:
    """One reason for concern: which signal, how many points, and the action it calls for."""

    signal: str
    points: int
    action: str
    of: MentorshipSignals = field(repr=False, compare=False)

    @property
    def reason(self) -> str:
        """The reason in words. Written when read, so ranking ten thousand pairs translates nothing."""
        return _reason(self.signal, self.of)


@dataclass(frozen=True)
class Action:
    """What the coordinator could do next (the page turns `kind` into a button and its URL)."""

    kind: str
    label: str
    why: str


@dataclass(frozen=True)
class RiskAssessment:
    score: int
    evidence: tuple[Evidence, ...]
    action: Action | None

    @property
    def is_at_risk(self) -> bool:
        return self.score >= AT_RISK

    @property
    def level(self) -> str:
        """"high" (at risk), "watch", or "fine"."""
        return "high" if self.score >= AT_RISK else "watch" if self.score >= WATCH else "fine"

    @property
    def level_label(self) -> str:
        return {"high": _("High risk"), "watch": _("Watch"), "fine": _("Doing fine")}[self.level]

    @property
    def reasons(self) -> list[str]:
        return [item.reason for item in self.evidence]


@dataclass(frozen=True)
class Weights:
    """The whole model: how many points each piece of evidence is worth (see the module's table)."""

    no_meeting: int = 35             # at `no_meeting_full` days without a meeting
    no_meeting_from: int = 14
    no_meeting_full: int = 42
    no_message: int = 35             # at `no_message_full` days without a message
    no_message_from: int = 3
    no_message_full: int = 21
    unanswered: int = 75             # messages waiting `unanswered_full` days
    unanswered_from: int = 3
    unanswered_full: int = 12
    missed_meeting: int = 7          # each, at most `missed_meetings_max`
    missed_meetings_max: int = 20
    check_in_low: int = 60           # latest "how is it going" 1 or 2
    check_in_middling: int = 20      # latest 3
    check_in_fell_2: int = 15        # down two or more from the previous answer
    check_in_fell_1: int = 5
    overdue_milestone: int = 10       # each, at most `overdue_milestones_max`
    overdue_milestones_max: int = 30
    agreement_missing: int = 20      # no agreement `agreement_after` days after the match
    agreement_unconfirmed: int = 15  # someone has not confirmed the latest version
    agreement_after: int = 14
    one_sided_80: int = 40           # one person carries 80 %+ of 6+ messages and bookings
    one_sided_70: int = 25
    one_sided_min_activity: int = 6
    little_contact: int = 45         # at most `little_contact_full` messages and bookings a week
    little_contact_from: float = 3.0  # a week, over the last 30 days (or since the start)
    little_contact_full: float = 1.0
    little_contact_after: int = 14    # days since the start: a new pair has had no time to get going
    little_contact_met_within: int = 14  # days: a meeting this recent counts as contact enough
    paused_quiet_factor: float = 0.5  # a paused pair is expected to be quiet


WEIGHTS = Weights()


def _ramp(value: int, start: int, full: int, points: float) -> int:
    """0 points up to `start`, rising linearly to `points` at `full` and beyond.

    >>> _ramp(10, 14, 42, 20), _ramp(28, 14, 42, 20), _ramp(60, 14, 42, 20)
    (0, 10, 20)
    """
    return round(points * min(max((value - start) / (full - start), 0.0), 1.0))


def _days(n: int) -> str:
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}


def _evidence(signals: MentorshipSignals, w: Weights) -> list[Evidence]:
    found: list[tuple[str, int | float, str]] = []
    quiet = w.paused_quiet_factor if signals.is_paused else 1.0
    found.append(("no_meeting", _ramp(signals.days_without_meeting, w.no_meeting_from, w.no_meeting_full,
                                      w.no_meeting * quiet), NUDGE))
    found.append(("no_message", _ramp(signals.days_without_message, w.no_message_from, w.no_message_full,
                                      w.no_message * quiet), NUDGE))
    # A meeting held in the last two weeks is contact, whatever the message count: pairs who talk
    # face to face and write little are not at risk for that (the demo's steady pairs were flagged).
    if signals.days_since_start >= w.little_contact_after and signals.days_without_meeting > w.little_contact_met_within:
        shortfall = (w.little_contact_from - signals.contacts_per_week) / (w.little_contact_from - w.little_contact_full)
        found.append(("little_contact", round(w.little_contact * min(max(shortfall, 0.0), 1.0) * quiet), NUDGE))
    if signals.unanswered_messages:
        found.append(("unanswered", _ramp(signals.unanswered_days, w.unanswered_from, w.unanswered_full, w.unanswered),
                      CHECK_IN))
    found.append(("missed_meetings", min(w.missed_meeting * signals.missed_meetings, w.missed_meetings_max), CHECK_IN))
    latest = signals.check_in_latest
    if latest is not None and latest <= 3:
        found.append(("check_in_low", w.check_in_low if latest <= 2 else w.check_in_middling, CHECK_IN))
    if signals.check_in_change < 0:
        found.append(("check_in_falling", w.check_in_fell_2 if signals.check_in_change <= -2 else w.check_in_fell_1,
                      CHECK_IN))
    found.append(("overdue_milestones", min(w.overdue_milestone * signals.overdue_milestones,
                                            w.overdue_milestones_max), NUDGE))
    if signals.agreement_unconfirmed and signals.days_since_match >= w.agreement_after:
        found.append(("agreement", w.agreement_unconfirmed if signals.has_agreement else w.agreement_missing, NUDGE))
    if signals.activity_count >= w.one_sided_min_activity and signals.busiest_share >= 0.7:
        found.append(("one_sided", w.one_sided_80 if signals.busiest_share >= 0.8 else w.one_sided_70, CHECK_IN))
    return [Evidence(kind, round(points), action, signals) for kind, points, action in found if round(points) > 0]


def _reason(kind: str, s: MentorshipSignals) -> str:
    """What a piece of evidence says, in plain words."""
    if kind == "no_meeting":
        if s.days_since_meeting is None:
            return _("No meeting yet, %(days)s after the start") % {"days": _days(s.days_without_meeting)}
        return _("No meeting for %(days)s") % {"days": _days(s.days_without_meeting)}
    if kind == "no_message":
        if s.days_since_message is None:
            return _("Nobody has written yet, %(days)s after the start") % {"days": _days(s.days_without_message)}
        return _("No message for %(days)s") % {"days": _days(s.days_without_message)}
    if kind == "little_contact":
        return ngettext("Little contact: %(n)d message or booking in the last %(days)s",
                        "Little contact: %(n)d messages and bookings in the last %(days)s", s.activity_count) % {
            "n": s.activity_count, "days": _days(s.activity_days)}
    if kind == "unanswered":
        return ngettext("%(n)d message from %(name)s unanswered for %(days)s",
                        "%(n)d messages from %(name)s unanswered for %(days)s", s.unanswered_messages) % {
            "n": s.unanswered_messages, "name": s.unanswered_from or _("one side"), "days": _days(s.unanswered_days)}
    if kind == "missed_meetings":
        return ngettext("%(n)d meeting missed in the last %(days)d days",
                        "%(n)d meetings missed in the last %(days)d days", s.missed_meetings) % {
            "n": s.missed_meetings, "days": RECENT.days}
    if kind == "check_in_low":
        return _("Latest check-in: %(n)d out of 5") % {"n": s.check_in_latest}
    if kind == "check_in_falling":
        return _("Check-ins fell from %(before)d to %(now)d") % {"before": s.check_in_previous, "now": s.check_in_latest}
    if kind == "overdue_milestones":
        return ngettext("%(n)d milestone overdue", "%(n)d milestones overdue", s.overdue_milestones) % {
            "n": s.overdue_milestones}
    if kind == "agreement":
        if not s.has_agreement:
            return _("No agreement yet, %(days)s after the match") % {"days": _days(s.days_since_match)}
        return _("Agreement not confirmed by %(names)s, %(days)s after the match") % {
            "names": ", ".join(s.agreement_waiting_for) or _("everyone"), "days": _days(s.days_since_match)}
    if kind == "one_sided":
        return _("%(name)s carries %(share)d%% of the messages and bookings") % {
            "name": s.busiest_name, "share": round(100 * s.busiest_share)}
    raise ValueError(kind)


def assess(signals: MentorshipSignals, *, weights: Weights = WEIGHTS) -> RiskAssessment:
    """Score one mentorship from its signals (0–100), with the reasons and a suggested action.

    >>> fine = MentorshipSignals(mentorship_id=2, is_paused=False, days_since_start=40, days_since_match=40,
    ...     days_since_meeting=6, days_since_message=1, has_agreement=True, agreement_unconfirmed=False,
    ...     activity_count=20)
    >>> assess(fine).score, assess(fine).level, assess(fine).action
    (0, 'fine', None)
    """
    found = sorted(_evidence(signals, weights), key=lambda item: -item.points)
    score = min(sum(item.points for item in found), 100)
    return RiskAssessment(score=score, evidence=tuple(found), action=_action(signals, found, score, weights))


def _action(signals: MentorshipSignals, found: list[Evidence], score: int, w: Weights) -> Action | None:
    if score < WATCH or not found:
        return None
    kinds = {item.signal for item in found}
    feels_bad = signals.check_in_latest is not None and signals.check_in_latest <= 2 and score >= AT_RISK
    ignored = "one_sided" in kinds and "unanswered" in kinds and signals.unanswered_days >= w.unanswered_full
    if feels_bad or ignored:
        return Action(REMATCH, _("Offer a rematch"),
                      _("It does not seem to work for them: end it without blame and match them again."))
    if found[0].action == CHECK_IN:
        return Action(CHECK_IN, _("Check in with the mentee"),
                      _("Something is off between them: ask the mentee privately how it is going."))
    return Action(NUDGE, _("Nudge the pair"), _("They have gone quiet: a friendly reminder often gets a pair going again."))


@dataclass(frozen=True)
class ProgramRisk:
    """One open mentorship of a program with its people, signals, assessment and where to act."""

    mentorship: Mentorship
    members: tuple[MentorshipMember, ...]
    signals: MentorshipSignals
    assessment: RiskAssessment
    last_nudged_at: datetime | None = None
    now: datetime | None = None

    @property
    def nudged_recently(self) -> bool:
        """Nudged less than a week ago: it cannot be nudged again yet."""
        now = self.now or timezone.now()
        return self.last_nudged_at is not None and self.last_nudged_at > now - NUDGE_INTERVAL

    @property
    def nudged_ago(self) -> str:
        """When it was last nudged, in words: "today", "yesterday", "3 days ago" ("" when never)."""
        if self.last_nudged_at is None:
            return ""
        days = (timezone.localdate(self.now or timezone.now()) - timezone.localdate(self.last_nudged_at)).days
        if days <= 0:
            return _("today")
        return _("yesterday") if days == 1 else ngettext("%(n)d day ago", "%(n)d days ago", days) % {"n": days}

    @property
    def can_nudge_on(self) -> datetime | None:
        """When it may be nudged again (None: now)."""
        return self.last_nudged_at + NUDGE_INTERVAL if self.nudged_recently and self.last_nudged_at else None

    @property
    def member_names(self) -> str:
        return ", ".join(member.membership.user.display_name for member in self.members)

    @property
    def action_url(self) -> str:
        """Where the suggested action is done: the nudge step (for nudges and check-ins, which the
        page posts there with this mentorship ticked) or the mentorship's status form (rematch)."""
        action = self.assessment.action
        if action is None:
            return ""
        org = self.mentorship.program.organization.slug
        if action.kind == REMATCH:
            return reverse("mentorships:home", args=[org, self.mentorship.pk]) + "#status-h"
        return reverse("insights:nudge", args=[org, self.mentorship.program_id])


@dataclass(frozen=True)
class Ranked:
    """One mentorship's signals and assessment, before its people are loaded."""

    signals: MentorshipSignals
    assessment: RiskAssessment


def rank_program(program: Program, *, now: datetime | None = None) -> list[Ranked]:
    """Score every active or paused mentorship of `program`, most at risk first (ties: oldest
    match first) — the signals' `QUERIES` queries and nothing per mentorship."""
    ranked = [Ranked(s, assess(s)) for s in collect_signals(program=program, now=now)]
    return sorted(ranked, key=lambda r: -r.assessment.score)  # stable: the signals come oldest match first


def program_risks(program: Program, ranked: Sequence[Ranked], *, now: datetime | None = None) -> list[ProgramRisk]:
    """Load the people and last nudges of these ranked mentorships (three queries), in their order."""
    ids = [r.signals.mentorship_id for r in ranked]
    scope = Mentorship.objects.filter(program=program, status__in=ASSESSED)
    if len(ids) <= MAX_LISTED_IDS:  # a page or a top five: only those rows; else the whole program's
        scope = scope.filter(pk__in=ids)
    mentorships = {m.pk: m for m in scope.select_related("program__organization")}
    members: dict[int, list[MentorshipMember]] = defaultdict(list)
    for member in MentorshipMember.objects.filter(mentorship__in=scope.values("pk"), left_at__isnull=True) \
            .select_related("membership__user", "membership__profile").order_by("role", "pk"):
        members[member.mentorship_id].append(member)
    nudged = dict(Nudge.objects.filter(mentorship__in=scope.values("pk")).values("mentorship_id")
                  .annotate(last=Max("sent_at")).order_by().values_list("mentorship_id", "last"))
    # A mentorship that closed between the queries is left out rather than shown half-read.
    return [ProgramRisk(mentorships[r.signals.mentorship_id], tuple(members[r.signals.mentorship_id]), r.signals,
                        r.assessment, nudged.get(r.signals.mentorship_id), now)
            for r in ranked if r.signals.mentorship_id in mentorships]


def assess_program(program: Program, *, now: datetime | None = None, limit: int | None = None) -> list[ProgramRisk]:
    """The active and paused mentorships of `program` with their people, most at risk first (the
    first `limit` of them), in `QUERIES` + 3 queries however many there are.

    The health page shows `assess_program(program, limit=5)`; the at-risk page ranks the whole
    program with `rank_program` and loads only the page it shows with `program_risks`.
    """
    ranked = rank_program(program, now=now)
    return program_risks(program, ranked if limit is None else ranked[:limit], now=now)
