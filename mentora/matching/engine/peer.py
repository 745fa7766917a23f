"""Peer matching: a maximum-weight matching in one pool (a general graph, not bipartite).

First the bipartite relaxation: the maximum-weight assignment of the pool to itself, solved
with a proof of optimality over every allowed pair; half its total bounds every matching of the
full graph (a matching gives such an assignment of twice its weight). Then Edmonds' blossom
algorithm (rustworkx, maximum cardinality first) runs exactly on the k-nearest-neighbour graph
(each person's ``k`` best allowed partners). Blossom grows quickly with the pool, so above
``blossom_limit`` people the pairs the relaxation chooses both ways round are kept and blossom
pairs only the others. The gap to the bound is reported; with an odd pool one person is left out.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

import numpy as np
import rustworkx

from .assignment import SCORE_SCALE, solve_assignment
from .collector import collector_paused
from .constraints import forbidden_pairs
from .errors import InvalidInstance
from .explain import explain_pairs
from .features import encode_profiles, project_text_vectors
from .one_on_one import TextVectors, check_unique_ids, text_vectors_for
from .pairs import FloatArray, IntArray
from .people import Peer, Rules, Weights
from .results import FactorShare, PeerPair, PeerResult
from .scoring import ProfileScorer
from .sparse import SparsePairs

__all__ = ["match_peer_scores", "match_peers", "max_weight_pairs"]

PEER_WEIGHTS = Weights(seniority=0.0, choices=0.0)


def max_weight_pairs(n_people: int, first: IntArray, second: IntArray, scores: FloatArray,
                     ) -> list[tuple[int, int]]:
    """Return the maximum-cardinality, maximum-weight matching of an undirected graph.

    Examples
    --------
    >>> max_weight_pairs(4, np.array([0, 1, 2, 0]), np.array([1, 2, 3, 3]),
    ...                  np.array([0.9, 0.95, 0.9, 0.1]))
    [(0, 1), (2, 3)]
    """
    graph = rustworkx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(n_people))
    units = np.rint(scores * SCORE_SCALE).astype(np.int64) + 1  # +1: a 0-score pair still pairs
    graph.add_edges_from(list(zip(first.tolist(), second.tolist(), units.tolist(), strict=True)))
    matching = rustworkx.max_weight_matching(graph, max_cardinality=True,
                                             weight_fn=lambda weight: int(weight))
    return sorted((min(a, b), max(a, b)) for a, b in matching)


def _edges(rows: IntArray, cols: IntArray, scores: FloatArray,
           ) -> tuple[IntArray, IntArray, FloatArray]:
    """Return each undirected edge once (low index first), self-loops dropped."""
    low, high = np.minimum(rows, cols), np.maximum(rows, cols)
    keep = low != high
    n = int(high.max(initial=0)) + 1
    keys, first = np.unique(low[keep] * np.int64(n) + high[keep], return_index=True)
    return keys // n, keys % n, scores[keep][first]


def _result(ids: Sequence[str], pairs: list[tuple[int, int]], edge_score: dict[tuple[int, int],
            float], upper_bound: float, started: float, stats: dict[str, float],
            explanations: Sequence[tuple[FactorShare, ...]] | None = None) -> PeerResult:
    pair_objects = []
    for index, (a, b) in enumerate(pairs):
        explanation = explanations[index] if explanations is not None else ()
        pair_objects.append(PeerPair(ids[a], ids[b], edge_score[(a, b)], explanation))
    paired = {person for pair in pairs for person in pair}
    unmatched = tuple(ids[p] for p in range(len(ids)) if p not in paired)
    return PeerResult(tuple(pair_objects), unmatched, upper_bound, time.perf_counter() - started,
                      "relaxation+blossom/knn", stats)


@collector_paused()
def match_peers(peers: Sequence[Peer], *, weights: Weights | None = None,
                rules: Rules | None = None, k: int = 20, text_vectors: TextVectors | None = None,
                explain: bool = True, blossom_limit: int = 3000) -> PeerResult:
    """Pair peers by profile compatibility (symmetric score), exact on the k-NN graph.

    Examples
    --------
    >>> from mentora.matching.engine.people import Profile
    >>> def peer(name, tags):
    ...     return Peer(name, Profile(tags=frozenset(tags)))
    >>> result = match_peers([peer("a", {"ai"}), peer("b", {"ops"}), peer("c", {"ai"}),
    ...                       peer("d", {"ops"}), peer("e", {"ux"})], weights=Weights(
    ...                       goals=1, text=0, availability=0, seniority=0, department=0))
    >>> [(p.a, p.b) for p in result.pairs], result.unmatched
    ([('a', 'c'), ('b', 'd')], ('e',))
    """
    started = time.perf_counter()
    weights = weights or PEER_WEIGHTS
    rules = rules or Rules()
    check_unique_ids("peer", (p.id for p in peers))
    ordered = sorted(peers, key=lambda p: p.id)
    ids = [p.id for p in ordered]
    profiles = [p.profile for p in ordered]
    if "choices" in rules.required_factors:
        raise InvalidInstance("peers have no ranked choices: 'choices' cannot be a required "
                              "factor of peer matching")
    text = None
    if weights.text > 0 or "text" in rules.required_factors:
        text = project_text_vectors(text_vectors_for(ids, profiles, text_vectors, None), 32)
    encoding = encode_profiles(profiles, profiles, weights, rules, left_text=text,
                               right_text=text)
    avoid = [p.avoid for p in ordered]
    forbidden = forbidden_pairs(ids, ids, avoid, avoid, rules)
    empty = SparsePairs(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0),
                        n_rows=len(ids))
    scorer = ProfileScorer(encoding, n_left=len(ids), n_right=len(ids), forbidden=forbidden,
                           bonus=empty, symmetric=True)
    candidates = scorer.candidates(k)
    relaxation = solve_assignment(scorer, np.ones(len(ids), np.int64), k=k,
                                  cardinality_first=False, candidates=candidates)
    partner = np.full(len(ids), -1, dtype=np.int64)
    partner[relaxation.rows] = relaxation.cols
    mutual = (partner >= 0) & (partner[np.maximum(partner, 0)] == np.arange(len(ids)))
    if len(ids) <= blossom_limit:
        mutual[:] = False
    kept = [(int(a), int(partner[a]))
            for a in np.flatnonzero(mutual & (partner > np.arange(len(ids)))).tolist()]
    rest = ~mutual
    first, second, scores = _edges(candidates.rows, candidates.cols, candidates.scores)
    open_edge = rest[first] & rest[second]
    pairs = sorted(kept + max_weight_pairs(len(ids), first[open_edge], second[open_edge],
                                           scores[open_edge]))
    relaxed_score = dict(zip(zip(relaxation.rows.tolist(), relaxation.cols.tolist(),
                                 strict=True), relaxation.scores.tolist(), strict=True))
    edge_score = dict(zip(zip(first.tolist(), second.tolist(), strict=True), scores.tolist(),
                          strict=True))
    for a, b in kept:
        edge_score[(a, b)] = relaxed_score[(a, b)]
    explanations = None
    if explain and pairs:
        pair_array = np.array(pairs, dtype=np.int64)
        explanations = explain_pairs(scorer, pair_array[:, 0], pair_array[:, 1], profiles,
                                     profiles, rules)
    stats = {"edges": float(len(first)), "k": float(k), "kept_from_relaxation": float(len(kept)),
             "blossom_people": float(rest.sum())}
    upper_bound = (float(relaxation.scores.sum()) + relaxation.gap) / 2
    return _result(ids, pairs, edge_score, upper_bound, started, stats, explanations)


@collector_paused()
def match_peer_scores(people: Sequence[str], scores: Iterable[tuple[str, str, float]],
                      ) -> PeerResult:
    """Pair people from explicit allowed pairs; the graph is complete, so the gap is 0.

    Examples
    --------
    >>> result = match_peer_scores(["a", "b", "c"], [("a", "b", 0.5), ("c", "b", 0.9)])
    >>> [(p.a, p.b, p.score) for p in result.pairs], result.unmatched, result.optimality_gap
    ([('b', 'c', 0.9)], ('a',), 0.0)
    """
    started = time.perf_counter()
    check_unique_ids("person", people)
    ids = sorted(people)
    index = {person: i for i, person in enumerate(ids)}
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    seen: set[tuple[int, int]] = set()
    for a, b, score in scores:
        for person in (a, b):
            if person not in index:
                raise InvalidInstance(f"score names unknown person {person!r}")
        if a == b:
            raise InvalidInstance(f"score pairs {a!r} with themselves")
        if isinstance(score, bool) or not isinstance(score, (int, float)) \
                or not 0.0 <= float(score) <= 1.0:
            raise InvalidInstance(f"score of ({a!r}, {b!r}) must be in [0, 1]")
        key = (min(index[a], index[b]), max(index[a], index[b]))
        if key in seen:
            raise InvalidInstance(f"duplicate score for ({a!r}, {b!r})")
        seen.add(key)
        rows.append(key[0])
        cols.append(key[1])
        values.append(float(score))
    first, second = np.array(rows, np.int64), np.array(cols, np.int64)
    weights = np.array(values)
    pairs = max_weight_pairs(len(ids), first, second, weights)
    edge_score = dict(zip(zip(rows, cols, strict=True), values, strict=True))
    total = sum(edge_score[pair] for pair in pairs)
    return _result(ids, pairs, edge_score, total, started, {"edges": float(len(rows))})
