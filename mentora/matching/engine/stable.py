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
from .collector import collector_paused
from .errors import InvalidInstance
from .explain import explain_pairs
from .one_on_one import TextVectors, check_unique_ids, prepare_mentor_pairs
from .pairs import ExplicitPairs, FloatArray, IntArray, PairSpace, index_ranges
from .people import Mentee, Mentor, Rules, Weights
from .results import FactorShare, Match, MatchResult

__all__ = ["deferred_acceptance", "match_stable", "ranked_deferred_acceptance",
           "stable_from_lists", "stable_on_space", "stable_result"]


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
    owner = np.repeat(np.arange(n_mentees), np.diff(list_starts))
    keys = list_mentors * np.int64(n_mentees) + owner
    if len(rank_keys):
        # Sorted needles keep the binary searches in cache (random ones cost 10x more).
        order = np.argsort(keys)
        where = np.empty(len(keys), dtype=np.int64)
        where[order] = np.minimum(np.searchsorted(rank_keys, keys[order]), len(rank_keys) - 1)
        ranks = np.where(rank_keys[where] == keys, rank_values[where], -1)
    else:
        ranks = np.full(len(keys), -1, dtype=np.int64)
    return ranked_deferred_acceptance(list_starts, list_mentors, ranks, capacities)


def ranked_deferred_acceptance(list_starts: IntArray, list_mentors: IntArray,
                               list_ranks: IntArray, capacities: IntArray) -> IntArray:
    """:func:`deferred_acceptance` with each list entry's rank by its mentor given directly.

    ``list_ranks[p]`` is how mentor ``list_mentors[p]`` ranks the mentee whose list holds entry
    ``p`` (0 best; ranks of one mentor are distinct), ``-1`` if it does not accept that mentee.

    Examples
    --------
    >>> starts, lists = np.array([0, 1, 2]), np.array([0, 0])
    >>> ranked_deferred_acceptance(starts, lists, np.array([1, 0]), np.array([1])).tolist()
    [-1, 0]
    """
    n_mentees = len(list_starts) - 1
    # Entries a mentor would refuse are dropped up front: proposing to it changes nothing.
    owner = np.repeat(np.arange(n_mentees), np.diff(list_starts))
    acceptable = np.asarray(list_ranks) >= 0
    owner = owner[acceptable]
    width = int(list_ranks[acceptable].max(initial=-1)) + 1
    # One key per entry orders a mentor's proposals: mentor first, then its rank of the mentee.
    entry_key = list_mentors[acceptable] * np.int64(width) + list_ranks[acceptable]
    starts = np.searchsorted(owner, np.arange(n_mentees + 1))
    next_entry, list_ends = starts[:-1].copy(), starts[1:]
    # What each mentor holds, sorted by key (so grouped by mentor, best first).
    held_keys = np.zeros(0, np.int64)
    held_mentees = np.zeros(0, np.int64)
    proposers = np.flatnonzero(next_entry < list_ends)
    while proposers.size:
        entries = next_entry[proposers]
        next_entry[proposers] += 1
        order = np.argsort(entry_key[entries], kind="stable")
        new_keys, new_mentees = entry_key[entries][order], proposers[order]
        new_mentors = new_keys // width
        touched = new_mentors[np.r_[True, new_mentors[1:] != new_mentors[:-1]]]
        # Only the mentors proposed to reconsider: their held mentees compete again.
        low = np.searchsorted(held_keys, touched * width)
        high = np.searchsorted(held_keys, (touched + 1) * width)
        reopened = index_ranges(low, high)
        pool_keys = np.concatenate([held_keys[reopened], new_keys])
        pool_mentees = np.concatenate([held_mentees[reopened], new_mentees])
        order = np.argsort(pool_keys, kind="stable")
        pool_keys, pool_mentees = pool_keys[order], pool_mentees[order]
        pool_mentors = pool_keys // width
        group_start = np.searchsorted(pool_mentors, pool_mentors, side="left")
        keep = np.arange(len(pool_keys)) - group_start < capacities[pool_mentors]
        held_keys = np.delete(held_keys, reopened)
        held_mentees = np.delete(held_mentees, reopened)
        at = np.searchsorted(held_keys, pool_keys[keep])
        held_keys = np.insert(held_keys, at, pool_keys[keep])
        held_mentees = np.insert(held_mentees, at, pool_mentees[keep])
        rejected = pool_mentees[~keep]
        proposers = rejected[next_entry[rejected] < list_ends[rejected]]
    match = np.full(n_mentees, -1, dtype=np.int64)
    match[held_mentees] = held_keys // max(width, 1)
    return match


def _list_window(cols: IntArray, starts: IntArray, mentees: IntArray, width: int) -> IntArray:
    """Return the first ``width`` list entries of each of ``mentees`` (padded with ``-1``)."""
    offset = np.arange(width)
    index = starts[mentees, None] + offset[None, :]
    inside = index < starts[mentees + 1, None]
    window: IntArray = np.where(inside, cols[np.minimum(index, len(cols) - 1)], -1)
    return window


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
    # Mentee lists: by score descending, then mentor index (the candidates come sorted by row,
    # then column, and the stable sort keeps that order among equal keys); cut at list_length.
    # Scores are float32 values, so row + (1 - score) / 2 orders rows, then scores, exactly.
    order = np.argsort(rows + (1.0 - scores) * 0.5, kind="stable")
    rows, cols, scores = rows[order], cols[order], scores[order]
    starts = np.searchsorted(rows, np.arange(space.n_left + 1))
    rank_in_list = np.arange(len(rows)) - np.repeat(starts[:-1], np.diff(starts))
    keep = rank_in_list < list_length
    rows, cols, scores = rows[keep], cols[keep], scores[keep]
    starts = np.searchsorted(rows, np.arange(space.n_left + 1))
    # Mentor ranks: by score descending, then mentee index (rows are in order already).
    by_mentor = np.argsort(cols + (1.0 - scores) * 0.5, kind="stable")
    mentor_rank = np.empty(len(rows), np.int64)
    sorted_cols = cols[by_mentor]
    mentor_rank[by_mentor] = np.arange(len(rows)) - np.searchsorted(sorted_cols, sorted_cols)
    match = ranked_deferred_acceptance(starts, cols, mentor_rank, capacities)
    accepted = time.perf_counter()
    match_score = np.full(space.n_left, np.nan)
    matched = np.flatnonzero(match >= 0)
    # Each matched mentee's entry: its list holds the mentor once.
    entry = starts[matched] + np.argmax(
        _list_window(cols, starts, matched, list_length) == match[matched, None], axis=1)
    match_score[matched] = scores[entry]
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


@collector_paused()
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
