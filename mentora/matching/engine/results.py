"""What the solvers return: matches with scores and explanations, plus quality figures.

Every solver returns one of these frozen dataclasses; :meth:`MatchResult.to_json` gives the
``mentora.match/1`` result object documented in ``docs/matching.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Circle",
    "CirclesResult",
    "FactorShare",
    "Match",
    "MatchResult",
    "PeerPair",
    "PeerResult",
]


@dataclass(frozen=True, slots=True)
class FactorShare:
    """One factor's part of a match score, for the product to turn into words.

    ``value`` is the factor in [0, 1]; ``share`` its weighted part of the score (shares of a match
    add up to 1); ``detail`` holds the concrete reasons (shared skills, overlap hours …).

    Examples
    --------
    >>> FactorShare("skills", share=0.5, value=1.0, detail=("python",)).to_json()["detail"]
    ['python']
    """

    factor: str
    share: float
    value: float
    detail: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object for this share."""
        return {
            "factor": self.factor,
            "share": round(self.share, 6),
            "value": round(self.value, 6),
            "detail": list(self.detail),
        }


@dataclass(frozen=True, slots=True)
class Match:
    """A mentee–mentor pair with its score and top contributing factors."""

    mentee: str
    mentor: str
    score: float
    explanation: tuple[FactorShare, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object for this match."""
        data: dict[str, Any] = {"mentee": self.mentee, "mentor": self.mentor,
                                "score": round(self.score, 9)}
        if self.explanation:
            data["explanation"] = [share.to_json() for share in self.explanation]
        return data


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The outcome of a one-to-one or stable run.

    ``optimality_gap`` is the proven upper bound minus the total (0 when optimality is proven
    over every allowed pair; ``None`` for modes with no such objective, like ``stable``).

    Examples
    --------
    >>> result = MatchResult(matches=(Match("e1", "m1", 0.8),), unmatched=("e2",),
    ...                      optimality_gap=0.0, seconds=0.01, solver="test")
    >>> result.matched_count, result.total_score, result.min_score
    (1, 0.8, 0.8)
    """

    matches: tuple[Match, ...]
    unmatched: tuple[str, ...]
    optimality_gap: float | None
    seconds: float
    solver: str
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def matched_count(self) -> int:
        """Return the number of matches."""
        return len(self.matches)

    @property
    def total_score(self) -> float:
        """Return the sum of match scores."""
        return float(sum(match.score for match in self.matches))

    @property
    def min_score(self) -> float | None:
        """Return the worst match score, or ``None`` with no match."""
        return min((match.score for match in self.matches), default=None)

    def to_json(self) -> dict[str, Any]:
        """Return the ``mentora.match/1`` result object."""
        return {
            "matches": [match.to_json() for match in self.matches],
            "unmatched": list(self.unmatched),
            "matched_count": self.matched_count,
            "total_score": round(self.total_score, 9),
            "min_score": None if self.min_score is None else round(self.min_score, 9),
            "optimality_gap": self.optimality_gap,
            "seconds": round(self.seconds, 6),
            "solver": self.solver,
            "stats": dict(self.stats),
        }


@dataclass(frozen=True, slots=True)
class PeerPair:
    """Two peers paired together (``a`` sorts before ``b``)."""

    a: str
    b: str
    score: float
    explanation: tuple[FactorShare, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object for this pair."""
        data: dict[str, Any] = {"a": self.a, "b": self.b, "score": round(self.score, 9)}
        if self.explanation:
            data["explanation"] = [share.to_json() for share in self.explanation]
        return data


@dataclass(frozen=True, slots=True)
class PeerResult:
    """The outcome of peer matching; ``optimality_gap`` is ``upper_bound - total_score``.

    Examples
    --------
    >>> PeerResult(pairs=(PeerPair("a", "b", 0.5),), unmatched=("c",), upper_bound=0.5,
    ...            seconds=0.0, solver="test").optimality_gap
    0.0
    """

    pairs: tuple[PeerPair, ...]
    unmatched: tuple[str, ...]
    upper_bound: float
    seconds: float
    solver: str
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def matched_count(self) -> int:
        """Return the number of pairs."""
        return len(self.pairs)

    @property
    def total_score(self) -> float:
        """Return the sum of pair scores."""
        return float(sum(pair.score for pair in self.pairs))

    @property
    def min_score(self) -> float | None:
        """Return the worst pair score, or ``None`` with no pair."""
        return min((pair.score for pair in self.pairs), default=None)

    @property
    def optimality_gap(self) -> float:
        """Return how far the total may be from the full graph's optimum (never negative)."""
        return max(0.0, round(self.upper_bound - self.total_score, 9))

    def to_json(self) -> dict[str, Any]:
        """Return the peer result object."""
        return {
            "matches": [pair.to_json() for pair in self.pairs],
            "unmatched": list(self.unmatched),
            "matched_count": self.matched_count,
            "total_score": round(self.total_score, 9),
            "min_score": None if self.min_score is None else round(self.min_score, 9),
            "upper_bound": round(self.upper_bound, 9),
            "optimality_gap": self.optimality_gap,
            "seconds": round(self.seconds, 6),
            "solver": self.solver,
            "stats": dict(self.stats),
        }


@dataclass(frozen=True, slots=True)
class Circle:
    """A facilitator with a group of mentees aligned on a topic.

    ``common_hours`` is the weekly time every member and the facilitator are free together;
    ``alignment`` the mean member–facilitator score; ``diversity`` the mean share of distinct
    values of the diversity attributes in the group. ``meeting_hour`` is the facilitator's
    weekly meeting hour (UTC hour of the week, Monday 00:00 = 0; ``None`` without one) and
    ``free_at_meeting`` how many members are free then.
    """

    facilitator: str
    members: tuple[str, ...]
    topic: str | None
    common_hours: float
    alignment: float
    diversity: float
    meeting_hour: int | None = None
    free_at_meeting: int = 0

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object for this circle."""
        return {
            "facilitator": self.facilitator,
            "members": list(self.members),
            "topic": self.topic,
            "common_hours": self.common_hours,
            "alignment": round(self.alignment, 6),
            "diversity": round(self.diversity, 6),
            "meeting_hour": self.meeting_hour,
            "free_at_meeting": self.free_at_meeting,
        }


@dataclass(frozen=True, slots=True)
class CirclesResult:
    """The outcome of circle formation with its alignment and diversity figures.

    ``unmatched_reasons`` gives each left-out mentee's reason: ``no_facilitator_allowed`` (the
    hard rules allow no facilitator), ``circles_full`` (every circle they may join is full) or
    ``circle_too_small`` (no circle they may join reached the minimum size).
    """

    circles: tuple[Circle, ...]
    unmatched: tuple[str, ...]
    seconds: float
    solver: str
    stats: dict[str, float] = field(default_factory=dict)
    unmatched_reasons: dict[str, str] = field(default_factory=dict)

    @property
    def mean_alignment(self) -> float:
        """Return the mean alignment over circles (0 with none)."""
        if not self.circles:
            return 0.0
        return sum(circle.alignment for circle in self.circles) / len(self.circles)

    @property
    def mean_diversity(self) -> float:
        """Return the mean diversity over circles (0 with none)."""
        if not self.circles:
            return 0.0
        return sum(circle.diversity for circle in self.circles) / len(self.circles)

    def to_json(self) -> dict[str, Any]:
        """Return the circles result object."""
        return {
            "circles": [circle.to_json() for circle in self.circles],
            "unmatched": list(self.unmatched),
            "unmatched_reasons": dict(self.unmatched_reasons),
            "matched_count": sum(len(circle.members) for circle in self.circles),
            "mean_alignment": round(self.mean_alignment, 6),
            "mean_diversity": round(self.mean_diversity, 6),
            "seconds": round(self.seconds, 6),
            "solver": self.solver,
            "stats": dict(self.stats),
        }
