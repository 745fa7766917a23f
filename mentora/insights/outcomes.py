"""Outcomes beyond the program: retention and internal mobility of participants against comparable
colleagues who did not take part — an association, never proof that mentoring caused it.

For a program starting on day D, a **participant** is someone matched in it as a mentee or peer;
**comparable colleagues** are the organization's other members in the same stratum — department,
job-level band (1–3, 4–6, 7–10) and tenure band at D (under 1 year, 1–3, over 3, or unknown, from the
"hire" events) — who were not matched in the program. Nobody who had left before D counts. The
follow-up runs from D for up to 12 months (to today if sooner):

- **stayed**: no "exit" event in the follow-up;
- **moved internally**: a "promotion" or "role change" event in the follow-up.

The colleagues' rate is standardised to the participants' mix of strata (each stratum weighted by
its participants; strata with no colleague are left out and counted). Intervals are 95 %: Wilson's
for a rate, and a normal approximation for the difference. Nothing is shown below five participants
or five colleagues (the organization's smallest group, `Organization.min_group_size`).

>>> wilson(45, 50)
(0.786, 0.957)
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from mentora.accounts.models import Membership
from mentora.mentorships.models import MemberRole, MentorshipMember
from mentora.programs.models import Program

from .models import HrEvent, HrEventKind

__all__ = ["FOLLOW_UP", "Measure", "OutcomeReport", "outcome_report", "wilson"]

FOLLOW_UP = timedelta(days=365)
Z = 1.96


def wilson(successes: int, n: int) -> tuple[float, float]:
    """The 95 % Wilson interval of a proportion, rounded to 3 places."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return (round(centre - half, 3), round(centre + half, 3))


def _level_band(level: int | None) -> str:
    if level is None:
        return "?"
    return "1-3" if level <= 3 else "4-6" if level <= 6 else "7-10"


def _tenure_band(hired_on: date | None, at: date) -> str:
    if hired_on is None or hired_on > at:
        return "?"
    years = (at - hired_on).days / 365.25
    return "<1" if years < 1 else "1-3" if years <= 3 else ">3"


@dataclass(frozen=True)
class Measure:
    label: str
    participants: int
    participant_rate: float
    participant_interval: tuple[float, float]
    comparison_rate: float
    difference: float
    difference_interval: tuple[float, float]


@dataclass(frozen=True)
class OutcomeReport:
    program: Program
    follow_up_days: int
    participants: int
    comparators: int
    strata_left_out: int  # participants' strata with no comparable colleague
    measures: list[Measure]

    @property
    def is_shown(self) -> bool:
        k = self.program.organization.min_group_size
        return self.participants >= k and self.comparators >= k


def outcome_report(program: Program, *, today: date | None = None) -> OutcomeReport:
    """Stayed and moved internally, participants against comparable colleagues (4 queries)."""
    today = today or timezone.localdate()
    start = program.starts_on
    end = min(start + FOLLOW_UP, today)
    participants = set(MentorshipMember.objects.filter(program=program, role__in=[MemberRole.MENTEE, MemberRole.PEER])
                       .values_list("membership_id", flat=True))
    people = list(Membership.objects.filter(organization=program.organization)
                  .values_list("pk", "profile__department", "profile__level"))
    hired: dict[int, date] = {}
    exits: dict[int, list[date]] = defaultdict(list)
    moves: dict[int, list[date]] = defaultdict(list)
    for membership_id, kind, day in HrEvent.objects.filter(organization=program.organization).values_list(
            "membership_id", "kind", "occurred_on"):
        if kind == HrEventKind.HIRE:
            hired[membership_id] = min(day, hired.get(membership_id, day))
        elif kind == HrEventKind.EXIT:
            exits[membership_id].append(day)
        else:
            moves[membership_id].append(day)

    def outcome(membership_id: int) -> tuple[bool, bool] | None:
        """(stayed, moved) in the follow-up; None when the person had left before the start."""
        if any(day <= start for day in exits.get(membership_id, ())):
            return None
        stayed = not any(start < day <= end for day in exits.get(membership_id, ()))
        moved = any(start < day <= end for day in moves.get(membership_id, ()))
        return stayed, moved

    strata: dict[tuple[str, str, str], dict[str, list[tuple[bool, bool]]]] = defaultdict(lambda: {"p": [], "c": []})
    for membership_id, department, level in people:
        result = outcome(membership_id)
        if result is None or (hired.get(membership_id) or start) > end:
            continue
        key = (department or "?", _level_band(level), _tenure_band(hired.get(membership_id), start))
        strata[key]["p" if membership_id in participants else "c"].append(result)

    usable = {key: groups for key, groups in strata.items() if groups["p"] and groups["c"]}
    left_out = sum(len(groups["p"]) for key, groups in strata.items() if groups["p"] and not groups["c"])
    n_p = sum(len(groups["p"]) for groups in usable.values())
    n_c = sum(len(groups["c"]) for groups in usable.values())
    measures = []
    for index, label in ((0, "stayed"), (1, "moved")):
        if not n_p:
            break
        p_success = sum(sum(1 for result in groups["p"] if result[index]) for groups in usable.values())
        rate_p = p_success / n_p
        rate_c, var_c = 0.0, 0.0
        for groups in usable.values():
            weight = len(groups["p"]) / n_p
            stratum_rate = sum(1 for result in groups["c"] if result[index]) / len(groups["c"])
            rate_c += weight * stratum_rate
            var_c += weight * weight * stratum_rate * (1 - stratum_rate) / len(groups["c"])
        var_p = rate_p * (1 - rate_p) / n_p
        half = Z * math.sqrt(var_p + var_c)
        difference = rate_p - rate_c
        measures.append(Measure(label, n_p, round(rate_p, 3), wilson(p_success, n_p), round(rate_c, 3),
                                round(difference, 3), (round(difference - half, 3), round(difference + half, 3))))
    return OutcomeReport(program=program, follow_up_days=max(0, (end - start).days), participants=n_p, comparators=n_c,
                         strata_left_out=left_out, measures=measures)
