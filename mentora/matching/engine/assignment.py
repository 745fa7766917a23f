"""Exact capacitated assignment on a pair space, with a proof of optimality over all pairs.

The solve runs on the candidate graph (each mentee's and each mentor's top ``k``) with OR-Tools'
min-cost flow (maximum flow first, then minimum cost: as many matches as possible, then the
largest total). Optimality over *every* allowed pair is then proven with LP duality: mentor prices
come from shortest paths in the residual graph, mentee prices follow, and every pair outside the
candidate graph is checked against them — through the per-row / per-column score bounds kept
while streaming the space, and by re-scoring the rows whose bound is not enough. A violating pair
is added and the problem solved again. The reported gap is what the prices cannot rule out.

The ``fair`` objective then raises the worst-off match (largest bottleneck score with the same
number of matches, found by bisection with max-flow) before maximising the total again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import numpy.typing as npt
from ortools.graph.python import max_flow, min_cost_flow

from .pairs import CandidateSet, FloatArray, IntArray, PairSpace, index_ranges

__all__ = ["SCORE_SCALE", "Assignment", "Objective", "score_units", "solve_assignment"]

Objective = Literal["max_total", "fair"]
#: Scores are solved as integers of this many units per 1.0 (exact for the rounded scores).
SCORE_SCALE = 1_000_000
#: Pairs better than the prices by more than this many units violate them. 0: the proof is exact
#: in units (a pair's units are fixed once it is a candidate, so no float noise needs forgiving;
#: 2 was tried and accepted a real 1-unit improvement as noise).
TOLERANCE_UNITS = 0
#: Pairs this close to their prices (units) are added while a row is re-scored anyway, so that
#: later proof rounds need not read the row again.
NEAR_UNITS = 20_000
#: Arcs within this many units of their prices join the core that later solves run on.
CORE_UNITS = 30_000
#: Rows with at most 1/PAIRWISE_FRACTION of their pairs at risk are scored pair by pair.
PAIRWISE_FRACTION = 200
#: Bound of a row or column none of whose pairs was left out of the candidates.
NO_PAIR = np.iinfo(np.int64).min // 4


@dataclass(frozen=True)
class Assignment:
    """Matched (row, col) pairs with scores, and the proven gap in score units of 1.0."""

    rows: IntArray
    cols: IntArray
    scores: FloatArray
    gap: float
    stats: dict[str, float] = field(default_factory=dict)


def score_units(scores: FloatArray) -> IntArray:
    """Return scores as integer units of 1 / SCORE_SCALE (what the solvers optimise).

    Examples
    --------
    >>> score_units(np.array([0.5, 0.1234567])).tolist()
    [500000, 123457]
    """
    return np.rint(np.asarray(scores, np.float64) * SCORE_SCALE).astype(np.int64)


def _present(indices: IntArray, size: int) -> IntArray:
    """Return the distinct values of ``indices`` (all in ``range(size)``), sorted."""
    return np.flatnonzero(np.bincount(indices, minlength=size))


def _known(candidates: CandidateSet, rows: IntArray, cols: IntArray, n_right: int,
           ) -> npt.NDArray[np.bool_]:
    """Return which pairs are candidates already (candidates are sorted by row, then col)."""
    keys = candidates.rows * np.int64(n_right) + candidates.cols
    wanted = rows * np.int64(n_right) + cols
    if not len(keys):
        return np.zeros(len(wanted), dtype=np.bool_)
    where = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    found: npt.NDArray[np.bool_] = keys[where] == wanted
    return found


def _min_cost_flow(candidates: CandidateSet, capacities: IntArray, n_left: int,
                   cardinality_first: bool = True) -> tuple[IntArray, IntArray, FloatArray]:
    """Return the max-cardinality (or not), max-score b-matching of the candidate graph."""
    n_right = len(capacities)
    source, sink = n_left + n_right, n_left + n_right + 1
    rows = _present(candidates.rows, n_left)
    used_cols = _present(candidates.cols, n_right)
    tails = np.concatenate([np.full(len(rows), source), candidates.rows,
                            used_cols + n_left])
    heads = np.concatenate([rows, candidates.cols + n_left, np.full(len(used_cols), sink)])
    arc_capacity = np.concatenate([np.ones(len(rows) + candidates.size, np.int64),
                                   capacities[used_cols]])
    costs = np.concatenate([np.zeros(len(rows), np.int64), -score_units(candidates.scores),
                            np.zeros(len(used_cols), np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    first = len(rows)
    flow.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32),
                                              arc_capacity, costs)
    flow.set_node_supply(source, len(rows))
    flow.set_node_supply(sink, -len(rows))
    if cardinality_first:
        status = flow.solve_max_flow_with_min_cost()
    else:
        # A free bypass lets a mentee stay unmatched when matching would not add score.
        flow.add_arc_with_capacity_and_unit_cost(source, sink, len(rows), 0)
        status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    pair_flow = flow.flows(np.arange(first, first + candidates.size))
    chosen = np.flatnonzero(pair_flow > 0)
    return candidates.rows[chosen], candidates.cols[chosen], candidates.scores[chosen]


def _prices(candidates: CandidateSet, weights: IntArray, match_col: IntArray,
            match_weight: IntArray, capacities: IntArray) -> tuple[IntArray, IntArray]:
    """Return optimal dual prices (mentee ``u``, mentor ``v``) of the solved candidate graph.

    Mentor prices are shortest-path distances from a root in the graph of the complementary
    slackness conditions (Bellman-Ford, vectorised); mentee prices are their best profit.
    """
    n_left, n_right = len(match_col), len(capacities)
    load = np.bincount(match_col[match_col >= 0], minlength=n_right)
    matched = match_col >= 0
    distance = np.full(n_right, np.iinfo(np.int64).max // 4, dtype=np.int64)
    np.minimum.at(distance, match_col[matched], match_weight[matched])
    distance[load < capacities] = 0
    edge = matched[candidates.rows] & (match_col[candidates.rows] != candidates.cols)
    src = candidates.cols[edge]
    dst = match_col[candidates.rows[edge]]
    length = match_weight[candidates.rows[edge]] - weights[edge]
    # Bellman-Ford, relaxing only the edges out of mentors whose distance just fell: edges are
    # grouped by mentor once, so a round costs what it relaxes, not a pass over every edge.
    by_src = np.argsort(src, kind="stable")
    src, dst, length = src[by_src], dst[by_src], length[by_src]
    starts = np.searchsorted(src, np.arange(n_right + 1))
    changed = np.arange(n_right)
    for _ in range(n_right + 1):
        active = index_ranges(starts[changed], starts[changed + 1])
        reached = distance[src[active]] + length[active]
        targets = dst[active]
        better = reached < distance[targets]
        if not better.any():
            break
        np.minimum.at(distance, targets[better], reached[better])
        changed = np.unique(targets[better])
    else:
        raise RuntimeError("negative cycle: the candidate solution is not optimal")
    profit = weights - distance[candidates.cols]
    mentee_price = np.zeros(n_left, dtype=np.int64)
    np.maximum.at(mentee_price, candidates.rows, profit)
    return mentee_price, distance


def _bound_units(bound: FloatArray) -> IntArray:
    finite = np.isfinite(bound)
    units = np.full(len(bound), NO_PAIR, dtype=np.int64)
    units[finite] = np.ceil(bound[finite] * SCORE_SCALE).astype(np.int64)
    return units


class _ProofMemo:
    """What earlier proof rounds learnt about the rows they re-scored.

    A row re-scored with slack ``a`` and mentor prices ``v`` had every pair above
    ``a + v_j - NEAR_UNITS`` added to the candidates; its other pairs need no new look while
    ``Δa + Δv_j >= -NEAR_UNITS``.
    """

    def __init__(self, n_left: int) -> None:
        self.round = np.full(n_left, -1, dtype=np.int64)
        self.slack = np.zeros(n_left, dtype=np.int64)
        self.prices: list[IntArray] = []

    def covered(self, rows: IntArray, slack: IntArray, mentor_price: IntArray,
                cols: IntArray) -> npt.NDArray[np.bool_]:
        """Return a (rows × ``cols``) mask of pairs an earlier round already rules out;
        ``mentor_price`` holds the prices of ``cols``."""
        seen = self.round[rows] >= 0
        covered = np.zeros((len(rows), len(cols)), dtype=np.bool_)
        if seen.any() and self.prices:
            history = np.stack([prices[cols] for prices in self.prices])
            earlier = history[self.round[rows[seen]]]
            drift = (slack[rows[seen]] - self.slack[rows[seen]])[:, None] + (
                mentor_price[None, :] - earlier)
            covered[seen] = drift >= -NEAR_UNITS
        return covered

    def remember(self, rows: IntArray, slack: IntArray, mentor_price: IntArray) -> None:
        """Record that ``rows`` were re-scored under these prices."""
        self.prices.append(mentor_price.copy())
        self.round[rows] = len(self.prices) - 1
        self.slack[rows] = slack[rows]


def _rows_with_risky_pairs(row_bound: IntArray, col_bound: IntArray, slack: IntArray,
                           mentor_price: IntArray, floor: int,
                           ) -> tuple[IntArray, IntArray, IntArray]:
    """Return the rows with a pair ``(i, j)`` whose bound ``min(row_bound_i, col_bound_j)``
    exceeds ``slack_i + v_j`` (and reaches ``floor``), without the dense rows × mentors test.

    Such a pair needs ``v_j < row_bound_i - slack_i`` and ``col_bound_j - v_j > slack_i``: with
    the mentors sorted by price, a prefix maximum of ``col_bound - v`` answers every row at once.
    Also returns, per row, how many of the mentors in ``order`` (sorted by price) it can reach:
    its risky pairs are among them.

    Examples
    --------
    >>> rows, reach, order = _rows_with_risky_pairs(
    ...     np.array([10, 10, 3]), np.array([9, 20]), np.array([5, 8, 0]), np.array([2, 6]), 0)
    >>> rows.tolist(), reach.tolist(), order.tolist()
    ([0, 2], [1, 1], [0, 1])
    """
    eligible = np.flatnonzero(col_bound >= floor)
    order = eligible[np.argsort(mentor_price[eligible], kind="stable")]
    prices = mentor_price[order]
    best_margin = np.maximum.accumulate(col_bound[order] - prices) if len(order) else prices
    reach = np.searchsorted(prices, row_bound - slack, side="left")
    has_risky = (reach > 0) & (row_bound >= floor)
    has_risky[has_risky] = best_margin[reach[has_risky] - 1] > slack[has_risky]
    rows = np.flatnonzero(has_risky)
    return rows, reach[rows], order


def _violating_pairs(space: PairSpace, candidates: CandidateSet, mentee_price: IntArray,
                     mentor_price: IntArray, bonus: int, threshold: int | None,
                     memo: _ProofMemo | None = None,
                     ) -> tuple[IntArray, IntArray, FloatArray, npt.NDArray[np.bool_], int]:
    """Return allowed pairs outside the candidates that the prices do not cover.

    Returns ``(rows, cols, scores, violating, rows_read)``: the pairs found within
    ``NEAR_UNITS`` of their prices (added so later rounds need not look again) and a mask of
    those that actually violate. ``threshold`` (units) restricts to pairs scoring at least that
    much (``fair`` stages).
    """
    slack = mentee_price - bonus + TOLERANCE_UNITS  # s_ij may not exceed slack_i + v_j
    row_bound = _bound_units(candidates.row_bound)
    col_bound = _bound_units(candidates.col_bound)
    floor = NO_PAIR + 1 if threshold is None else threshold
    suspect_rows, reach, by_price = _rows_with_risky_pairs(row_bound, col_bound, slack,
                                                           mentor_price, floor)
    to_read: list[IntArray] = []
    pair_rows: list[IntArray] = []
    pair_cols: list[IntArray] = []
    # A row with few risky pairs is cheaper to score pair by pair than as a whole row.
    few = max(1, len(mentor_price) // PAIRWISE_FRACTION)
    # Rows in order of reach: a chunk looks only at the cheapest mentors its rows can reach.
    by_reach = np.argsort(reach, kind="stable")
    suspect_rows, reach = suspect_rows[by_reach], reach[by_reach]
    start = 0
    while start < len(suspect_rows):
        # As many rows as keep the chunk near 2 M cells (reach only grows along the chunk).
        cells = (np.arange(1, len(reach) - start + 1) * reach[start:])
        stop = start + max(1, int(np.searchsorted(cells, 2_000_000, side="right")))
        rows = suspect_rows[start:stop]
        width = int(reach[stop - 1])
        start = stop
        cols_in_reach = by_price[:width]
        bound = np.minimum(row_bound[rows, None], col_bound[None, cols_in_reach])
        prices = mentor_price[cols_in_reach]
        risky = (bound > slack[rows, None] + prices[None, :]) & (bound >= floor)
        if memo is not None:
            risky &= ~memo.covered(rows, slack, prices, cols_in_reach)
        count = risky.sum(axis=1)
        to_read.append(rows[count > few])
        local, cols = np.nonzero(risky & ((count > 0) & (count <= few))[:, None])
        pair_rows.append(rows[local])
        pair_cols.append(cols_in_reach[cols].astype(np.int64))
    read = np.concatenate(to_read) if to_read else np.zeros(0, np.int64)
    single_rows = np.concatenate(pair_rows) if pair_rows else np.zeros(0, np.int64)
    single_cols = np.concatenate(pair_cols) if pair_cols else np.zeros(0, np.int64)
    margin = NEAR_UNITS if memo is not None else 0
    # The reserve was scored already: its pairs are checked against the prices directly.
    kept_rows, kept_cols, kept_scores = _reserve_where(
        candidates, lambda r, c, units: (units > slack[r] + mentor_price[c] - margin)
        & (units >= floor))
    if not read.size and not single_rows.size and not kept_rows.size:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0), np.zeros(0, dtype=np.bool_), 0
    # Pairs scoring more than slack_i + v_j - margin (in units), less the float tolerance.
    rows, cols, scores = space.pairs_above(
        read, (slack[read] - margin - 0.5) / SCORE_SCALE, mentor_price / SCORE_SCALE)
    rows = np.concatenate([rows, kept_rows])
    cols = np.concatenate([cols, kept_cols])
    scores = np.concatenate([scores, kept_scores])
    if memo is not None and read.size:
        memo.remember(read, slack, mentor_price)
    if single_rows.size:
        single_scores = space.pair_scores(single_rows, single_cols)
        rows = np.concatenate([rows, single_rows])
        cols = np.concatenate([cols, single_cols])
        scores = np.concatenate([scores, single_scores])
        finite = np.isfinite(scores)
        rows, cols, scores = rows[finite], cols[finite], scores[finite]
    units = score_units(scores)
    known = _known(candidates, rows, cols, space.n_right)
    new = ~known & (units > slack[rows] + mentor_price[cols] - margin)
    if threshold is not None:
        new &= units >= threshold
    violating = units[new] > slack[rows[new]] + mentor_price[cols[new]]
    return rows[new], cols[new], scores[new], violating, int(read.size)


def _merge(candidates: CandidateSet, rows: IntArray, cols: IntArray, scores: FloatArray,
           n_right: int, flags: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]] | None = None,
           ) -> tuple[CandidateSet, npt.NDArray[np.bool_] | None]:
    """Return the candidates with the new pairs added (and ``flags`` of old and new pairs
    carried along to the merged order)."""
    all_rows = np.concatenate([candidates.rows, rows])
    all_cols = np.concatenate([candidates.cols, cols])
    keys, first = np.unique(all_rows * np.int64(n_right) + all_cols, return_index=True)
    all_scores = np.concatenate([candidates.scores, scores])[first]
    merged = replace(candidates, rows=keys // n_right, cols=keys % n_right, scores=all_scores)
    return merged, None if flags is None else np.concatenate(flags)[first]


def _subset(graph: CandidateSet, keep: npt.NDArray[np.bool_]) -> CandidateSet:
    return replace(graph, rows=graph.rows[keep], cols=graph.cols[keep],
                   scores=graph.scores[keep])


def _above(candidates: CandidateSet, threshold: int) -> CandidateSet:
    return _subset(candidates, score_units(candidates.scores) >= threshold)


def _reserve_where(candidates: CandidateSet, test: Callable[[IntArray, IntArray, IntArray],
                                                             npt.NDArray[np.bool_]],
                   ) -> tuple[IntArray, IntArray, FloatArray]:
    """Return the reserve pairs for which ``test(rows, cols, units)`` holds, in chunks."""
    found: list[tuple[IntArray, IntArray, FloatArray]] = []
    chunk = 4_000_000
    for start in range(0, len(candidates.reserve_rows), chunk):
        rows = candidates.reserve_rows[start:start + chunk].astype(np.int64)
        cols = candidates.reserve_cols[start:start + chunk].astype(np.int64)
        scores = candidates.reserve_scores[start:start + chunk].astype(np.float64)
        keep = test(rows, cols, score_units(scores))
        found.append((rows[keep], cols[keep], scores[keep]))
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return (np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found]),
            np.concatenate([f[2] for f in found]))


def _reduced_costs(graph: CandidateSet, mentee_price: IntArray, mentor_price: IntArray,
                   bonus: int) -> IntArray:
    """Return ``u_i + v_j - w_ij`` (units) of every arc: negative where the prices fail it."""
    reduced: IntArray = (mentee_price[graph.rows] + mentor_price[graph.cols]
                         - (bonus + score_units(graph.scores)))
    return reduced


def _solve_proven(space: PairSpace, candidates: CandidateSet, capacities: IntArray,
                  stats: dict[str, float], threshold: int | None = None,
                  cardinality_first: bool = True,
                  ) -> tuple[CandidateSet, IntArray, IntArray, FloatArray, float]:
    """Solve on the candidates, prove over the space, add violators and repeat until proven.

    The first solve uses every candidate arc. Later solves use a core: the arcs an earlier round
    found within ``CORE_UNITS`` of their prices (matched arcs and violators included), which
    only grows. Every candidate outside the core is still checked against each round's prices,
    so the proof covers the whole candidate graph and, through the bounds, the whole space.
    """
    # One more match outweighs any score total when the count comes first.
    bonus = SCORE_SCALE * (space.n_left + 1) if cardinality_first else 0
    memo = _ProofMemo(space.n_left)
    # Which candidates the next solve uses (None: all of them).
    core: npt.NDArray[np.bool_] | None = None
    for _ in range(50):
        in_graph = None if threshold is None else score_units(candidates.scores) >= threshold
        graph = candidates if in_graph is None else _subset(candidates, in_graph)
        keep = core if core is None or in_graph is None else core & in_graph
        solved = graph if keep is None else _subset(candidates, keep)
        flow_started = time.perf_counter()
        rows, cols, scores = _min_cost_flow(solved, capacities, space.n_left, cardinality_first)
        proof_started = time.perf_counter()
        stats["flow_seconds"] = stats.get("flow_seconds", 0) + proof_started - flow_started
        # The first solve, on every candidate; later ones re-solve for the proof.
        stats.setdefault("first_flow_seconds", proof_started - flow_started)
        stats["solves"] = stats.get("solves", 0) + 1
        stats["flow_arcs"] = stats.get("flow_arcs", 0) + solved.size
        match_col = np.full(space.n_left, -1, dtype=np.int64)
        match_col[rows] = cols
        match_weight = np.zeros(space.n_left, dtype=np.int64)
        match_weight[rows] = bonus + score_units(scores)
        weights = bonus + score_units(solved.scores)
        mentee_price, mentor_price = _prices(solved, weights, match_col, match_weight,
                                             capacities)
        dual = int(mentee_price.sum() + (capacities * mentor_price).sum())
        primal = int(match_weight.sum())
        # Candidates left out of the solve must satisfy the prices too.
        graph_violating = bool((_reduced_costs(graph, mentee_price, mentor_price, bonus)
                                < -TOLERANCE_UNITS).any()) if solved is not graph else False
        extra_rows, extra_cols, extra_scores, violating, read = _violating_pairs(
            space, candidates, mentee_price, mentor_price, bonus, threshold, memo)
        stats["rows_rescored"] = stats.get("rows_rescored", 0) + read
        if extra_rows.size:
            stats["pairs_added"] = stats.get("pairs_added", 0) + int(extra_rows.size)
            carried = None if core is None else (core, np.zeros(extra_rows.size, np.bool_))
            candidates, core = _merge(candidates, extra_rows, extra_cols, extra_scores,
                                      space.n_right, carried)
        # The next core: what is in it, and every arc (old or new) within CORE_UNITS of the
        # prices, matched arcs and violators included.
        near = _reduced_costs(candidates, mentee_price, mentor_price, bonus) <= CORE_UNITS
        core = near if core is None else core | near
        stats["proof_seconds"] = (stats.get("proof_seconds", 0)
                                  + time.perf_counter() - proof_started)
        if not violating.any() and not graph_violating:
            return candidates, rows, cols, scores, (dual - primal) / SCORE_SCALE
    raise RuntimeError("optimality proof did not converge")


def _max_matching(candidates: CandidateSet, capacities: IntArray, n_left: int,
                  ) -> tuple[int, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Return the maximum number of matches and the source side of a minimum cut.

    The cut is returned as (mentees on the source side, mentors on the source side); a mentee
    with no arc counts as on the source side (its source arc is not cut).
    """
    n_right = len(capacities)
    source, sink = n_left + n_right, n_left + n_right + 1
    rows = _present(candidates.rows, n_left)
    cols = _present(candidates.cols, n_right)
    flow = max_flow.SimpleMaxFlow()
    tails = np.concatenate([np.full(len(rows), source), candidates.rows, cols + n_left])
    heads = np.concatenate([rows, candidates.cols + n_left, np.full(len(cols), sink)])
    capacity = np.concatenate([np.ones(len(rows) + candidates.size, np.int64), capacities[cols]])
    flow.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), capacity)
    if flow.solve(source, sink) != flow.OPTIMAL:
        raise RuntimeError("max flow failed")
    side = np.zeros(n_left + n_right + 2, dtype=np.bool_)
    side[np.asarray(flow.get_source_side_min_cut(), dtype=np.int64)] = True
    mentee_side = side[:n_left].copy()
    has_arc = np.zeros(n_left, dtype=np.bool_)
    has_arc[rows] = True
    mentee_side[~has_arc] = True
    return int(flow.optimal_flow()), mentee_side, side[n_left:n_left + n_right]


def _missing_cut_pairs(space: PairSpace, candidates: CandidateSet, mentee_side: npt.NDArray[
        np.bool_], mentor_side: npt.NDArray[np.bool_], threshold: int, stats: dict[str, float],
                       ) -> tuple[IntArray, IntArray, FloatArray]:
    """Return non-candidate pairs scoring >= threshold from source-side mentees to sink-side
    mentors: the only pairs that could make the candidate graph's cut fail in the full space."""
    row_bound = _bound_units(candidates.row_bound)
    col_bound = _bound_units(candidates.col_bound)
    sink_cols = ~mentor_side
    worst_col = int(col_bound[sink_cols].max(initial=NO_PAIR))
    rows = np.flatnonzero(mentee_side & (row_bound >= threshold))
    found_rows, found_cols, found_scores = _reserve_where(
        candidates, lambda r, c, units: mentee_side[r] & sink_cols[c] & (units >= threshold))
    if worst_col >= threshold and rows.size:
        stats["rows_rescored"] = stats.get("rows_rescored", 0) + int(rows.size)
        col_floor = np.where(sink_cols & (col_bound >= threshold), 0.0, np.inf)
        read_rows, read_cols, read_scores = space.pairs_above(
            rows, np.full(len(rows), (threshold - 0.5) / SCORE_SCALE), col_floor)
        found_rows = np.concatenate([found_rows, read_rows])
        found_cols = np.concatenate([found_cols, read_cols])
        found_scores = np.concatenate([found_scores, read_scores])
    known = _known(candidates, found_rows, found_cols, space.n_right)
    new = ~known & (score_units(found_scores) >= threshold)
    return found_rows[new], found_cols[new], found_scores[new]


def _fair_threshold(space: PairSpace, candidates: CandidateSet, capacities: IntArray,
                    target: int, low: int, stats: dict[str, float]) -> tuple[CandidateSet, int]:
    """Return the largest bottleneck (units) with which ``target`` matches remain possible.

    Bisection with max-flow on the candidate graph; then the minimum cut at the next value up
    is checked against every allowed pair (by bounds, re-scoring where needed), which proves
    no better bottleneck exists in the full space.
    """
    while True:
        units = score_units(candidates.scores)
        values = np.unique(units)
        values = values[values >= low]
        lo, hi = 0, len(values) - 1  # values[lo] is feasible
        # Every row's best pair is a candidate, so when all rows with a pair must be matched no
        # bottleneck exceeds the worst of those best scores: probe it first, then bisect below.
        best = np.full(space.n_left, NO_PAIR, dtype=np.int64)
        np.maximum.at(best, candidates.rows, units)
        if target == int((best > NO_PAIR).sum()) and len(values):
            hi = max(int(np.searchsorted(values, best[best > NO_PAIR].min(), side="right")) - 1,
                     0)
            if hi > lo:
                stats["max_flows"] = stats.get("max_flows", 0) + 1
                if _max_matching(_above(candidates, int(values[hi])), capacities,
                                 space.n_left)[0] >= target:
                    lo = hi
                else:
                    hi -= 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            stats["max_flows"] = stats.get("max_flows", 0) + 1
            if _max_matching(_above(candidates, int(values[mid])), capacities,
                             space.n_left)[0] >= target:
                lo = mid
            else:
                hi = mid - 1
        threshold = int(values[lo]) if len(values) else low
        # Any better bottleneck uses only pairs scoring more than the threshold: prove that no
        # such set of pairs, candidate or not, carries ``target`` matches.
        above = threshold + 1
        _, mentee_side, mentor_side = _max_matching(_above(candidates, above), capacities,
                                                    space.n_left)
        rows, cols, scores = _missing_cut_pairs(space, candidates, mentee_side, mentor_side,
                                                above, stats)
        if not rows.size:
            return candidates, threshold
        stats["pairs_added"] = stats.get("pairs_added", 0) + int(rows.size)
        candidates, low = _merge(candidates, rows, cols, scores, space.n_right)[0], threshold


def solve_assignment(space: PairSpace, capacities: IntArray, *,
                     objective: Objective = "max_total", k: int = 16,
                     cardinality_first: bool = True,
                     candidates: CandidateSet | None = None) -> Assignment:
    """Match rows (mentees) to columns (mentors) within capacities, optimally over all pairs.

    ``max_total``: as many matches as possible, then the largest total score. ``fair``: as many
    matches as possible, then the largest minimum score, then the largest total. With
    ``cardinality_first=False`` (``max_total`` only) the total alone is maximised.
    ``candidates`` reuses a candidate graph already streamed from ``space``.

    Examples
    --------
    >>> from mentora.matching.engine.pairs import ExplicitPairs
    >>> space = ExplicitPairs(3, 2, np.array([0, 0, 1, 2]), np.array([0, 1, 0, 0]),
    ...                       np.array([0.9, 0.5, 0.8, 0.1]))
    >>> result = solve_assignment(space, np.array([2, 1]))
    >>> list(zip(result.rows.tolist(), result.cols.tolist())), result.gap
    ([(0, 1), (1, 0), (2, 0)], 0.0)
    """
    capacities = np.asarray(capacities, np.int64)
    stats: dict[str, float] = {}
    started = time.perf_counter()
    if candidates is None:
        candidates = space.candidates(k)
    stats["candidate_pairs"] = candidates.size
    stats["candidates_seconds"] = time.perf_counter() - started
    candidates, rows, cols, scores, gap = _solve_proven(space, candidates, capacities, stats,
                                                        cardinality_first=cardinality_first)
    if objective == "fair" and rows.size:
        fair_started = time.perf_counter()
        low = int(score_units(scores).min())
        candidates, threshold = _fair_threshold(space, candidates, capacities, int(rows.size),
                                                low, stats)
        stats["bottleneck"] = threshold / SCORE_SCALE
        stats["bottleneck_seconds"] = time.perf_counter() - fair_started
        candidates, rows, cols, scores, gap = _solve_proven(space, candidates, capacities, stats,
                                                            threshold)
    order = np.lexsort((cols, rows))
    return Assignment(rows[order], cols[order], scores[order], max(gap, 0.0), stats)
