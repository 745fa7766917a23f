"""At-risk mentorships: a transparent score from the signals, the reasons in words, and what to do.

`assess` is pure: it adds up weighted *evidence*, one item per signal that says something is wrong,
each with its points and its reason in plain words; the score is the sum, capped at 100. Nothing is
learnt or hidden: the weights below are the whole model, and `docs/insights.md` explains them with
the back-test that chose them (`bench/at_risk.py`).

| evidence | points |
|---|---|
| no meeting | 0 up to 14 days, rising to 30 at 42 days (since the start when they have not met) |
| no message | 0 up to 7 days, rising to 25 at 28 days |
| unanswered messages | 12, plus 1 a day they have waited beyond 3 days, at most 25 |
| missed meetings (60 days) | 8 each, at most 20 |
| latest check-in | 20 when 1–2 out of 5, 6 when 3 |
| check-ins falling | 15 when down 2 or more, 6 when down 1 |
| overdue milestones | 5 each, at most 15 |
| agreement unconfirmed 14+ days after the match | 12 without any agreement, 10 when someone has not confirmed |
| one-sided activity (6+ messages and bookings in 60 days) | 15 when one person carries 80 %+, 8 when 70 %+ |

A paused mentorship is expected to be quiet: its "no meeting" and "no message" points are halved.
`is_at_risk` means a score of at least `AT_RISK` (50, "High risk"); from `WATCH` (25) it is "Watch".

The suggested action follows the strongest evidence: silence, an unconfirmed agreement or overdue
milestones → nudge the pair; unanswered or one-sided messages, missed meetings, a falling check-in →
check in with the mentee; a check-in of 1–2 together with a score of at least `AT_RISK`, or an
unanswered one-sided pair → offer a rematch (end it without blame and match again).

>>> quiet = MentorshipSignals(mentorship_id=1, is_paused=False, days_since_start=60, days_since_match=62,
...     days_since_meeting=34, days_since_message=30, has_agreement=True, agreement_unconfirmed=False)
>>> verdict = assess(quiet)
>>> verdict.score, verdict.level, verdict.reasons
(56, 'high', ['No meeting for 34 days', 'No message for 30 days'])
>>> verdict.action.kind
'nudge'
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentora.insights.signals import ASSESSED, RECENT, MentorshipSignals, collect_signals
from mentora.mentorships.models import MemberRole, Mentorship, MentorshipMember
from mentora.programs.models import Program

__all__ = ["AT_RISK", "WATCH", "Action", "Evidence", "ProgramRisk", "RiskAssessment", "assess", "assess_program"]

#: The default threshold: from this score a mentorship is "at risk" (shown as "High risk").
AT_RISK = 50
#: From this score a mentorship is worth watching.
WATCH = 25

NUDGE, CHECK_IN, REMATCH = "nudge", "check_in", "rematch"


@dataclass(frozen=True)
class Evidence:
    """One reason for concern: which signal, how many points, in words, and the action it calls for."""

    signal: str
    points: int
    reason: str
    action: str


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


def _ramp(value: int, start: int, full: int, points: int) -> int:
    """0 points up to `start`, rising linearly to `points` at `full` and beyond."""
    return round(points * min(max((value - start) / (full - start), 0.0), 1.0))


def _days(n: int) -> str:
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}


def _evidence(signals: MentorshipSignals) -> list[Evidence]:
    found: list[Evidence] = []
    quiet_factor = 0.5 if signals.is_paused else 1.0

    days = signals.days_without_meeting
    points = round(_ramp(days, 14, 42, 30) * quiet_factor)
    if points:
        reason = (_("No meeting for %(days)s") % {"days": _days(days)} if signals.days_since_meeting is not None
                  else _("No meeting yet, %(days)s after the start") % {"days": _days(days)})
        found.append(Evidence("no_meeting", points, reason, NUDGE))

    days = signals.days_without_message
    points = round(_ramp(days, 7, 28, 25) * quiet_factor)
    if points:
        reason = (_("No message for %(days)s") % {"days": _days(days)} if signals.days_since_message is not None
                  else _("Nobody has written yet, %(days)s after the start") % {"days": _days(days)})
        found.append(Evidence("no_message", points, reason, NUDGE))

    if signals.unanswered_messages:
        points = min(12 + max(signals.unanswered_days - 3, 0), 25)
        reason = ngettext("%(n)d message from %(name)s unanswered for %(days)s",
                          "%(n)d messages from %(name)s unanswered for %(days)s", signals.unanswered_messages) % {
            "n": signals.unanswered_messages, "name": signals.unanswered_from or _("one side"),
            "days": _days(signals.unanswered_days)}
        found.append(Evidence("unanswered", points, reason, CHECK_IN))

    if signals.missed_meetings:
        reason = ngettext("%(n)d meeting missed in the last %(days)d days",
                          "%(n)d meetings missed in the last %(days)d days", signals.missed_meetings) % {
            "n": signals.missed_meetings, "days": RECENT.days}
        found.append(Evidence("missed_meetings", min(8 * signals.missed_meetings, 20), reason, CHECK_IN))

    latest, change = signals.check_in_latest, signals.check_in_change
    if change < 0:
        found.append(Evidence("check_in_falling", 15 if change <= -2 else 6,
                              _("Check-ins fell from %(before)d to %(now)d") % {
                                  "before": signals.check_in_previous, "now": latest}, CHECK_IN))
    if latest is not None and latest <= 3:
        found.append(Evidence("check_in_low", 20 if latest <= 2 else 6,
                              _("Latest check-in: %(n)d out of 5") % {"n": latest}, CHECK_IN))

    if signals.overdue_milestones:
        reason = ngettext("%(n)d milestone overdue", "%(n)d milestones overdue", signals.overdue_milestones) % {
            "n": signals.overdue_milestones}
        found.append(Evidence("overdue_milestones", min(5 * signals.overdue_milestones, 15), reason, NUDGE))

    if signals.agreement_unconfirmed and signals.days_since_match >= 14:
        if not signals.has_agreement:
            found.append(Evidence("agreement", 12, _("No agreement yet, %(days)s after the match") % {
                "days": _days(signals.days_since_match)}, NUDGE))
        else:
            found.append(Evidence("agreement", 10, _("Agreement not confirmed by %(names)s, %(days)s after the match") % {
                "names": ", ".join(signals.agreement_waiting_for) or _("everyone"),
                "days": _days(signals.days_since_match)}, NUDGE))

    if signals.activity_count >= 6 and signals.busiest_share >= 0.7:
        found.append(Evidence("one_sided", 15 if signals.busiest_share >= 0.8 else 8,
                              _("%(name)s carries %(share)d%% of the messages and bookings") % {
                                  "name": signals.busiest_name, "share": round(100 * signals.busiest_share)},
                              CHECK_IN))
    return found


def assess(signals: MentorshipSignals) -> RiskAssessment:
    """Score one mentorship from its signals (0–100), with the reasons and a suggested action.

    >>> fine = MentorshipSignals(mentorship_id=2, is_paused=False, days_since_start=40, days_since_match=40,
    ...     days_since_meeting=6, days_since_message=1, has_agreement=True, agreement_unconfirmed=False)
    >>> assess(fine).score, assess(fine).level, assess(fine).action
    (0, 'fine', None)
    """
    found = sorted(_evidence(signals), key=lambda item: -item.points)
    score = min(sum(item.points for item in found), 100)
    return RiskAssessment(score=score, evidence=tuple(found), action=_action(found, score))


def _action(found: list[Evidence], score: int) -> Action | None:
    if score < WATCH or not found:
        return None
    signals = {item.signal: item for item in found}
    low = signals.get("check_in_low")
    if (low is not None and low.points >= 20 and score >= AT_RISK) or ("one_sided" in signals and "unanswered" in signals
                                                                       and signals["unanswered"].points >= 20):
        return Action(REMATCH, _("Offer a rematch"),
                      _("It does not seem to work for them: end it without blame and match them again."))
    if found[0].action == CHECK_IN:
        return Action(CHECK_IN, _("Check in with the mentee"),
                      _("Something is off between them: ask the mentee privately how it is going."))
    return Action(NUDGE, _("Nudge the pair"), _("They have gone quiet: a friendly reminder often restarts a pair."))


@dataclass(frozen=True)
class ProgramRisk:
    """One open mentorship of a program with its people, signals, assessment and where to act."""

    mentorship: Mentorship
    members: tuple[MentorshipMember, ...]
    signals: MentorshipSignals
    assessment: RiskAssessment

    @property
    def member_names(self) -> str:
        return ", ".join(member.membership.user.display_name for member in self.members)

    @property
    def mentees(self) -> list[MentorshipMember]:
        return [m for m in self.members if m.role in (MemberRole.MENTEE, MemberRole.PEER)]

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


def assess_program(program: Program, *, now: datetime | None = None) -> list[ProgramRisk]:
    """Assess every active or paused mentorship of `program`, most at risk first (a fixed number of
    queries: the signals', then one for the mentorships and one for their members)."""
    signals = collect_signals(program=program, now=now)
    assessed = Mentorship.objects.filter(program=program, status__in=ASSESSED)
    mentorships = {m.pk: m for m in assessed.select_related("program__organization")}
    members: dict[int, list[MentorshipMember]] = defaultdict(list)
    for member in MentorshipMember.objects.filter(mentorship__in=assessed.values("pk"), left_at__isnull=True) \
            .select_related("membership__user", "membership__profile").order_by("role", "pk"):
        members[member.mentorship_id].append(member)
    # A mentorship that closed between the queries is left out rather than shown half-read.
    risks = [ProgramRisk(mentorships[s.mentorship_id], tuple(members[s.mentorship_id]), s, assess(s))
             for s in signals if s.mentorship_id in mentorships]
    return sorted(risks, key=lambda risk: (-risk.assessment.score, risk.mentorship.pk))
