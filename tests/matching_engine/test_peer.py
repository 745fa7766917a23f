"""Peer matching equals networkx's blossom on small graphs and reports a gap bound."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from mentora.matching.engine import Peer, Weights, match_peer_scores, match_peers

from .strategies import peer_pools


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[str], list[tuple[str, str, float]]]:
    people = [f"p{i}" for i in range(draw(st.integers(0, 9)))]
    pairs = draw(st.sets(st.tuples(st.sampled_from(people), st.sampled_from(people)),
                         max_size=20) if people else st.just(set()))
    edges = {}
    for a, b in pairs:
        if a != b:
            edges[(min(a, b), max(a, b))] = draw(st.integers(0, 100)) / 100
    return people, [(a, b, s) for (a, b), s in sorted(edges.items())]


def _networkx_total(people: list[str], edges: list[tuple[str, str, float]]) -> tuple[int, float]:
    graph = nx.Graph()
    graph.add_nodes_from(people)
    for a, b, score in edges:
        graph.add_edge(a, b, weight=round(score * 1_000_000) + 1)
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    scores = {(a, b): s for a, b, s in edges} | {(b, a): s for a, b, s in edges}
    return len(matching), sum(scores[pair] for pair in matching)


@settings(max_examples=500, deadline=None)
@given(graphs())
def test_peer_matching_equals_networkx(graph: tuple[list[str], list[tuple[str, str, float]]],
                                       ) -> None:
    """Maximum cardinality, then maximum weight: the same figures as networkx's blossom."""
    people, edges = graph
    result = match_peer_scores(people, edges)
    count, total = _networkx_total(people, edges)
    assert result.matched_count == count
    assert abs(result.total_score - total) < 1e-9
    paired = [p for pair in result.pairs for p in (pair.a, pair.b)]
    assert len(paired) == len(set(paired))
    assert result.optimality_gap == 0.0


@settings(max_examples=500, deadline=None)
@given(peer_pools())
def test_profile_peers_pair_once_and_bound_the_gap(pool: list[Peer]) -> None:
    """Everyone at most once, never with someone they avoid; the bound is never below the total."""
    result = match_peers(pool, weights=Weights(text=0, choices=0), k=3, explain=False)
    avoid = {p.id: p.avoid for p in pool}
    paired = [p for pair in result.pairs for p in (pair.a, pair.b)]
    assert len(paired) == len(set(paired))
    for pair in result.pairs:
        assert pair.b not in avoid[pair.a] and pair.a not in avoid[pair.b]
    assert result.upper_bound >= result.total_score - 1e-6
    assert len(result.unmatched) + len(paired) == len(pool)


def test_an_odd_pool_leaves_one_person_out() -> None:
    """Three people who all fit: one pair and one person left for the next round."""
    result = match_peers([Peer("a"), Peer("b"), Peer("c")], weights=Weights(text=0))
    assert result.matched_count == 1
    assert len(result.unmatched) == 1
