"""Explanations: each match's top contributing factors with their share and concrete reasons.

The product turns these into words ("both want public speaking; 3 h/week overlap"). Factors
named in ``Rules.sensitive_attributes`` never appear, whatever their share.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .availability import week_slots
from .pairs import IntArray
from .people import FACTORS, Profile, Rules
from .results import FactorShare
from .scoring import ProfileScorer

__all__ = ["explain_pairs", "factor_detail"]


def factor_detail(factor: str, left: Profile, right: Profile) -> tuple[str, ...]:
    """Return the concrete reasons behind a factor for one pair, as short data strings.

    Examples
    --------
    >>> mentee = Profile(skills_wanted={"sql": 2, "go": 1}, tags=frozenset({"career"}))
    >>> mentor = Profile(skills_offered={"sql": 3}, tags=frozenset({"career", "ai"}))
    >>> factor_detail("skills", mentee, mentor), factor_detail("goals", mentee, mentor)
    (('sql',), ('career',))
    """
    if factor == "skills":
        return tuple(sorted(s for s, level in left.skills_wanted.items()
                            if right.skills_offered.get(s, 0) > 0))
    if factor == "goals":
        return tuple(sorted(left.tags & right.tags))
    if factor == "communication":
        return tuple(sorted(left.channels & right.channels))
    if factor == "languages":
        return tuple(sorted(left.languages & right.languages))
    if factor == "learning":
        return tuple(sorted(left.learning_styles & right.learning_styles))
    if factor == "availability":
        hours = int(np.count_nonzero(week_slots(left.availability, left.time_zone)
                                     & week_slots(right.availability, right.time_zone)))
        return (f"{hours} h/week",)
    if factor == "seniority" and left.seniority is not None and right.seniority is not None:
        return (f"gap {right.seniority - left.seniority}",)
    if factor in {"department", "site", "generation"}:
        mine, theirs = getattr(left, factor), getattr(right, factor)
        if mine is not None and theirs is not None:
            return ("same" if mine == theirs else "different",)
    return ()


def explain_pairs(scorer: ProfileScorer, rows: IntArray, cols: IntArray,
                  left: Sequence[Profile], right: Sequence[Profile], rules: Rules, *,
                  top: int = 3) -> list[tuple[FactorShare, ...]]:
    """Return, for each pair, its ``top`` factors by share of the score (sensitive ones left out).

    Shares are of the whole score, so the shares listed may add up to less than 1.
    """
    values = scorer.factor_values(rows, cols)
    weight_share = dict(scorer.factor_weights())
    names = [name for name in FACTORS if name in values and name in weight_share]
    if not names or not len(rows):
        return [() for _ in range(len(rows))]
    factor_values = np.stack([values[name] for name in names])
    contributions = factor_values * np.array([weight_share[name] for name in names])[:, None]
    totals = contributions.sum(axis=0)
    hidden = np.array([name in set(rules.sensitive_attributes) for name in names])
    # Rank the factors of every pair at once: largest contribution first, ties by factor order
    # (a stable sort); hidden factors and those contributing nothing never rank.
    ranked = np.where(hidden[:, None] | (contributions <= 0), -np.inf, contributions)
    order = np.argsort(-ranked, axis=0, kind="stable")[:top]
    shown = np.isfinite(np.take_along_axis(ranked, order, axis=0)).T.tolist()
    with np.errstate(divide="ignore", invalid="ignore"):  # a pair scoring 0 shows nothing
        shares = (np.take_along_axis(contributions, order, axis=0) / totals).T.tolist()
    raw = np.take_along_axis(factor_values, order, axis=0).T.tolist()
    availability = scorer.encoding.clipped  # the weekly-slot block, when availability counts
    # Slot matrices hold whole hours, so their product is the overlap factor_detail counts.
    hours = (np.rint(availability.raw(rows, cols)).astype(np.int64).tolist()
             if availability is not None and "availability" in names else None)
    explanations: list[tuple[FactorShare, ...]] = []
    for pair, (row, col, indices) in enumerate(zip(np.asarray(rows).tolist(),
                                                   np.asarray(cols).tolist(), order.T.tolist(),
                                                   strict=True)):
        pair_shares = []
        for rank, index in enumerate(indices):
            if not shown[pair][rank]:
                break
            name = names[index]
            if name == "choices":
                detail: tuple[str, ...] = ()
            elif name == "availability" and hours is not None:
                detail = (f"{hours[pair]} h/week",)
            else:
                detail = factor_detail(name, left[row], right[col])
            pair_shares.append(FactorShare(name, share=shares[pair][rank],
                                           value=raw[pair][rank], detail=detail))
        explanations.append(tuple(pair_shares))
    return explanations
