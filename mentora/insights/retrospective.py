"""A program against what success was meant to look like, and two cohorts side by side.

The targets are the program's own (`Program.target_*`, set on the program form before it starts).
Each result says, in words, whether the target was met; a figure that cannot be known yet (no
evaluations, fewer than five answers) says so instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentora.mentorships.models import MentorshipStatus
from mentora.programs.models import Program

from .health import ProgramInsights

__all__ = ["COMPARED", "Comparison", "TargetResult", "compare", "completion_percent", "target_results"]


@dataclass(frozen=True)
class TargetResult:
    key: str
    label: str
    target: float | None
    actual: float | None
    unit: str

    @property
    def is_met(self) -> bool | None:
        if self.target is None or self.actual is None:
            return None
        return self.actual >= self.target

    @property
    def words(self) -> str:
        if self.actual is None:
            return _("Not known yet.")
        if self.target is None:
            return _("No target was set.")
        return _("Target met.") if self.is_met else _("Below the target.")


def completion_percent(insights: ProgramInsights) -> int | None:
    """Completed mentorships as a share of those that started (not merely proposed)."""
    started = sum(n for status, n in insights.statuses.items() if status != MentorshipStatus.PROPOSED)
    return round(100 * insights.statuses.get(MentorshipStatus.COMPLETED, 0) / started) if started else None


def _number(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def target_results(program: Program, insights: ProgramInsights) -> list[TargetResult]:
    """The program's four targets with what happened."""
    return [
        TargetResult("match", _("People matched"), _number(program.target_match_percent),
                     _number(insights.match_percent), "%"),
        TargetResult("meetings", _("Meetings per mentorship per month"), _number(program.target_meetings_per_month),
                     insights.meetings.held_per_month, ""),
        TargetResult("nps", _("Net promoter score"), _number(program.target_nps), _number(insights.evaluations.nps), ""),
        TargetResult("completion", _("Mentorships completed"), _number(program.target_completion_percent),
                     _number(completion_percent(insights)), "%"),
    ]


#: The figures shown side by side when comparing cohorts: (key, label).
COMPARED = (
    ("people", gettext_lazy("People taking part")),
    ("match_percent", gettext_lazy("Matched (%)")),
    ("time_to_match", gettext_lazy("Days from approval to match (median)")),
    ("agreement_percent", gettext_lazy("Agreement confirmed (% of matched)")),
    ("met_percent", gettext_lazy("First meeting held (% of matched)")),
    ("held_per_month", gettext_lazy("Meetings per mentorship per month")),
    ("missed_percent", gettext_lazy("Meetings missed (%)")),
    ("going_well", gettext_lazy("Check-ins: how it is going (out of 5)")),
    ("nps", gettext_lazy("Net promoter score")),
    ("completion_percent", gettext_lazy("Mentorships completed (%)")),
    ("ended_early", gettext_lazy("Ended early")),
)


@dataclass(frozen=True)
class Comparison:
    label: str
    values: tuple[float | int | None, ...]


def _figures(insights: ProgramInsights) -> dict[str, float | int | None]:
    steps = {step.key: step for step in insights.funnel}
    return {
        "people": insights.people,
        "match_percent": insights.match_percent,
        "time_to_match": insights.time_to_match_days,
        "agreement_percent": steps["agreement"].percent,
        "met_percent": steps["first_meeting"].percent,
        "held_per_month": insights.meetings.held_per_month,
        "missed_percent": insights.meetings.missed_percent,
        "going_well": insights.going_well,
        "nps": insights.evaluations.nps,
        "completion_percent": completion_percent(insights),
        "ended_early": insights.ended_early,
    }


def compare(cohorts: list[ProgramInsights]) -> list[Comparison]:
    """One row per figure, one value per cohort (None: not known, or fewer than five answers)."""
    figures = [_figures(insights) for insights in cohorts]
    return [Comparison(str(label), tuple(row[key] for row in figures)) for key, label in COMPARED]
