"""Stable matching: mentee-proposing deferred acceptance with mentor capacities.

The hospitals/residents algorithm on ranked lists, vectorised by rounds (every free mentee
proposes to the next mentor on its list at once; each mentor keeps its best proposals up to
capacity). The result is the mentee-optimal stable matching — the same as the one-at-a-time
algorithm gives. A second pass then gives leftovers a mentor with spare capacity where an allowed
pair exists (maximum total score); those pairs are outside the ranked lists, so they create no
blocking pair.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import numpy as np

from .assignment import solve_assignment
from .errors import InvalidInstance
from .explain import explain_pairs
from .one_on_one import TextVectors, check_unique_ids, prepare_mentor_pairs
from .pairs import ExplicitPairs, FloatArray, IntArray, PairSpace
from .people import Mentee, Mentor, Rules, Weights
from .results import FactorShare, Match, MatchResult

__all__ = ["deferred_acceptance", "match_stable", "stable_from_lists", "stable_on_space",
           "stable_result"]


def deferred_acceptance(list_starts: IntArray, list_mentors: IntArray, rank_keys: IntArray,
                        rank_values: IntArray, capacities: IntArray) -> IntArray:
    """Return each mentee's mentor index (``-1`` if none) in the mentee-optimal stable matching.

    Mentee ``i``'s list is ``list_mentors[list_starts[i]:list_starts[i + 1]]`` (best first).
    Mentor ``j``'s rank of mentee ``i`` is ``rank_values`` at key ``j * n_mentees + i`` in the
    sorted ``rank_keys``; a mentee a mentor did not rank is not acceptable to it.

    Examples
    --------
    >>> starts, lists = np.array([0, 1, 2]), np.array([0, 0])
    >>> keys, ranks = np.array([0, 1]), np.array([1, 0])  # mentor 0 prefers mentee 1
    >>> deferred_acceptance(starts, lists, keys, ranks, np.array([1])).tolist()
    [-1, 0]
    """
    n_mentees = len(list_starts) - 1
    next_choice = list_starts[:-1].copy()
    list_ends = list_starts[1:]
    held_mentees = np.zeros(0, np.int64)
    held_mentors = np.zeros(0, np.int64)
    held_ranks = np.zeros(0, np.int64)
    is_free = np.ones(n_mentees, dtype=np.bool_)
    while True:
        proposers = np.flatnonzero(is_free & (next_choice < list_ends))
        if not proposers.size:
            break
        mentors = list_mentors[next_choice[proposers]]
        next_choice[proposers] += 1
        keys = mentors * np.int64(n_mentees) + proposers
        where = np.clip(np.searchsorted(rank_keys, keys), 0, max(len(rank_keys) - 1, 0))
        acceptable = (rank_keys[where] == keys) if len(rank_keys) else np.zeros(
            len(keys), np.bool_)
        # Only mentors with new proposals reconsider: their held mentees compete again.
        touched = np.zeros(len(capacities), dtype=np.bool_)
        touched[mentors[acceptable]] = True
        reopened = touched[held_mentors]
        pool_mentees = np.concatenate([held_mentees[reopened], proposers[acceptable]])
        pool_mentors = np.concatenate([held_mentors[reopened], mentors[acceptable]])
        pool_ranks = np.concatenate([held_ranks[reopened], rank_values[where[acceptable]]])
        order = np.lexsort((pool_ranks, pool_mentors))
        pool_mentees, pool_mentors, pool_ranks = (pool_mentees[order], pool_mentors[order],
                                                  pool_ranks[order])
        group_start = np.flatnonzero(np.r_[True, pool_mentors[1:] != pool_mentors[:-1]])
        position = np.arange(len(pool_mentors)) - np.repeat(
            group_start, np.diff(np.r_[group_start, len(pool_mentors)]))
        keep = position < capacities[pool_mentors]
        is_free[proposers] = True
        is_free[pool_mentees[~keep]] = True
        is_free[pool_mentees[keep]] = False
        held_mentees = np.concatenate([held_mentees[~reopened], pool_mentees[keep]])
        held_mentors = np.concatenate([held_mentors[~reopened], pool_mentors[keep]])
        held_ranks = np.concatenate([held_ranks[~reopened], pool_ranks[keep]])
    match = np.full(n_mentees, -1, dtype=np.int64)
    match[held_mentees] = held_mentors
    return match


def stable_on_space(space: PairSpace, capacities: IntArray, *, list_length: int = 50,
                    second_pass: bool = True,
                    ) -> tuple[IntArray, FloatArray, dict[str, float]]:
    """Derive ranked lists from scores (ties by index), run deferred acceptance, then fill.

    Each mentee ranks its ``list_length`` best allowed mentors; each mentor ranks the mentees who
    listed it by score. Returns ``(match, match_score, stats)``, ``-1`` / NaN when unmatched.
    """
    started = time.perf_counter()
    candidates = space.candidates(list_length, reserve=False)
    lists_ready = time.perf_counter()
    rows, cols, scores = candidates.rows, candidates.cols, candidates.scores
    # Mentee lists: by score descending, then mentor index; cut at list_length.
    order = np.lexsort((cols, -scores, rows))
    rows, cols, scores = rows[order], cols[order], scores[order]
    starts = np.searchsorted(rows, np.arange(space.n_left + 1))
    rank_in_list = np.arange(len(rows)) - np.repeat(starts[:-1], np.diff(starts))
    keep = rank_in_list < list_length
    rows, cols, scores = rows[keep], cols[keep], scores[keep]
    starts = np.searchsorted(rows, np.arange(space.n_left + 1))
    # Mentor ranks: by score descending, then mentee index.
    by_mentor = np.lexsort((rows, -scores, cols))
    mentor_rank = np.empty(len(rows), np.int64)
    group = np.searchsorted(cols[by_mentor], cols[by_mentor], side="left")
    mentor_rank[by_mentor] = np.arange(len(rows)) - group
    keys = cols * np.int64(space.n_left) + rows
    key_order = np.argsort(keys)
    match = deferred_acceptance(starts, cols, keys[key_order], mentor_rank[key_order],
                                capacities)
    accepted = time.perf_counter()
    match_score = np.full(space.n_left, np.nan)
    matched = np.flatnonzero(match >= 0)
    match_key = match[matched] * np.int64(space.n_left) + matched
    match_score[matched] = scores[key_order][np.searchsorted(keys[key_order], match_key)]
    stats: dict[str, float] = {"stable_matches": int((match >= 0).sum()),
                               "lists_seconds": lists_ready - started,
                               "deferred_acceptance_seconds": accepted - lists_ready}
    spare = capacities - np.bincount(match[match >= 0], minlength=len(capacities))
    leftovers = np.flatnonzero(match < 0)
    if second_pass and leftovers.size and spare.sum() > 0:
        # Only mentors with room matter: the others get an infinite floor.
        pair_rows, pair_cols, pair_scores = space.pairs_above(
            leftovers, np.full(len(leftovers), -1.0), np.where(spare > 0, 0.0, np.inf))
        local = np.searchsorted(leftovers, pair_rows)
        extra = solve_assignment(
            ExplicitPairs(len(leftovers), len(capacities), local, pair_cols, pair_scores), spare)
        match[leftovers[extra.rows]] = extra.cols
        match_score[leftovers[extra.rows]] = extra.scores
        stats["second_pass_matches"] = int(extra.rows.size)
    return match, match_score, stats


def stable_from_lists(mentee_lists: Mapping[str, Sequence[str]],
                      mentor_lists: Mapping[str, Sequence[str]],
                      capacities: Mapping[str, int]) -> dict[str, str]:
    """Return the mentee-optimal stable matching of explicit ranked lists (mentee → mentor).

    Examples
    --------
    >>> stable_from_lists({"a": ["x", "y"], "b": ["x"]}, {"x": ["b", "a"], "y": ["a"]},
    ...                   {"x": 1, "y": 1})
    {'a': 'y', 'b': 'x'}
    """
    check_unique_ids("mentee", mentee_lists)
    check_unique_ids("mentor", capacities)
    mentees = sorted(mentee_lists)
    mentors = sorted(capacities)
    mentee_index = {m: i for i, m in enumerate(mentees)}
    mentor_index = {m: j for j, m in enumerate(mentors)}
    starts = [0]
    flat: list[int] = []
    for mentee in mentees:
        for mentor in dict.fromkeys(mentee_lists[mentee]):
            if mentor not in mentor_index:
                raise InvalidInstance(f"mentee {mentee!r} ranks unknown mentor {mentor!r}")
            flat.append(mentor_index[mentor])
        starts.append(len(flat))
    keys: list[int] = []
    ranks: list[int] = []
    for mentor, ranking in mentor_lists.items():
        if mentor not in mentor_index:
            raise InvalidInstance(f"ranking given for unknown mentor {mentor!r}")
        for rank, mentee in enumerate(dict.fromkeys(ranking)):
            if mentee not in mentee_index:
                raise InvalidInstance(f"mentor {mentor!r} ranks unknown mentee {mentee!r}")
            keys.append(mentor_index[mentor] * len(mentees) + mentee_index[mentee])
            ranks.append(rank)
    order = np.argsort(np.array(keys, np.int64))
    match = deferred_acceptance(np.array(starts, np.int64), np.array(flat, np.int64),
                                np.array(keys, np.int64)[order], np.array(ranks, np.int64)[order],
                                np.array([capacities[m] for m in mentors], np.int64))
    return {mentees[i]: mentors[j] for i, j in enumerate(match.tolist()) if j >= 0}


def match_stable(mentees: Sequence[Mentee], mentors: Sequence[Mentor], *,
                 weights: Weights | None = None, rules: Rules | None = None,
                 list_length: int = 50, second_pass: bool = True,
                 text_vectors: TextVectors | None = None, explain: bool = True) -> MatchResult:
    """Stable matching on ranked lists derived from profile scores, then a second pass.

    Examples
    --------
    >>> result = match_stable([Mentee("e1"), Mentee("e2")], [Mentor("m1", capacity=2)],
    ...                       weights=Weights(text=0))
    >>> [(m.mentee, m.mentor) for m in result.matches]
    [('e1', 'm1'), ('e2', 'm1')]
    """
    started = time.perf_counter()
    weights = weights or Weights()
    rules = rules or Rules()
    prepared = prepare_mentor_pairs(mentees, mentors, weights=weights, rules=rules,
                                    text_vectors=text_vectors)
    match, match_score, stats = stable_on_space(prepared.scorer, prepared.capacities,
                                                list_length=list_length, second_pass=second_pass)
    rows = np.flatnonzero(match >= 0)
    explanations = explain_pairs(prepared.scorer, rows, match[rows],
                                 [m.profile for m in prepared.mentees],
                                 [m.profile for m in prepared.mentors], rules) if explain else None
    return stable_result(match, match_score, [m.id for m in prepared.mentees],
                         [m.id for m in prepared.mentors], started, stats, explanations)


def stable_result(match: IntArray, match_score: FloatArray, mentee_ids: Sequence[str],
                  mentor_ids: Sequence[str], started: float, stats: dict[str, float],
                  explanations: Sequence[tuple[FactorShare, ...]] | None = None,
                  ) -> MatchResult:
    """Build the :class:`MatchResult` of a stable run (no optimality gap: not an optimiser)."""
    rows = np.flatnonzero(match >= 0)
    reasons = explanations if explanations is not None else [()] * len(rows)
    matches = tuple(Match(mentee_ids[r], mentor_ids[c], s, reason) for r, c, s, reason in zip(
        rows.tolist(), match[rows].tolist(), match_score[rows].tolist(), reasons, strict=True))
    unmatched = tuple(mentee_ids[r] for r in np.flatnonzero(match < 0).tolist())
    return MatchResult(matches, unmatched, None, time.perf_counter() - started,
                       "deferred-acceptance", stats)
