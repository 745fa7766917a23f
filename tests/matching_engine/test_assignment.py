"""One-to-one assignment from explicit scores: feasibility, optimality, fairness, determinism."""

from __future__ import annotations

import random
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from mentora.matching.engine import match_scores
from mentora.matching.engine import pairs as pairs_module
from mentora.matching.engine.assignment import solve_assignment
from mentora.matching.engine.pairs import ExplicitPairs

from .brute import best_assignment, best_bottleneck


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[str], dict[str, int], list[tuple[str, str, float]]]:
    n_mentees = draw(st.integers(0, 7))
    n_mentors = draw(st.integers(0, 4))
    mentees = [f"e{i}" for i in range(n_mentees)]
    mentors = {f"m{j}": draw(st.integers(0, 3)) for j in range(n_mentors)}
    pairs = draw(st.sets(st.tuples(st.integers(0, max(n_mentees - 1, 0)),
                                   st.integers(0, max(n_mentors - 1, 0))), max_size=20)
                 if n_mentees and n_mentors else st.just(set()))
    scores = [(f"e{i}", f"m{j}", draw(st.integers(0, 100)) / 100) for i, j in sorted(pairs)]
    return mentees, mentors, scores


def _indexed(mentees: list[str], mentors: dict[str, int],
             scores: list[tuple[str, str, float]]) -> tuple[dict[tuple[int, int], float],
                                                            list[int]]:
    row = {m: i for i, m in enumerate(mentees)}
    col = {m: j for j, m in enumerate(mentors)}
    return {(row[e], col[m]): s for e, m, s in scores}, list(mentors.values())


def _space(n_mentees: int, n_mentors: int, indexed: dict[tuple[int, int], float],
           ) -> ExplicitPairs:
    return ExplicitPairs(n_mentees, n_mentors, np.array([r for r, _ in indexed], np.int64),
                         np.array([c for _, c in indexed], np.int64),
                         np.array(list(indexed.values())))


@settings(max_examples=500, deadline=None)
@given(instances())
def test_matches_are_feasible(instance: tuple[list[str], dict[str, int],
                                              list[tuple[str, str, float]]]) -> None:
    """Capacity is never exceeded, every mentee appears at most once, only listed pairs are used."""
    mentees, mentors, scores = instance
    result = match_scores(mentees, mentors, scores)
    allowed = {(e, m): s for e, m, s in scores}
    assert len({m.mentee for m in result.matches}) == result.matched_count
    for mentor, capacity in mentors.items():
        assert sum(m.mentor == mentor for m in result.matches) <= capacity
    for match in result.matches:
        assert allowed[(match.mentee, match.mentor)] == match.score
    assert set(result.unmatched) | {m.mentee for m in result.matches} == set(mentees)


@settings(max_examples=500, deadline=None)
@given(instances())
def test_max_total_equals_the_brute_force_optimum(
        instance: tuple[list[str], dict[str, int], list[tuple[str, str, float]]]) -> None:
    """As many matches as possible, then the largest total: equal to an independent LSA solve."""
    mentees, mentors, scores = instance
    result = match_scores(mentees, mentors, scores)
    count, total = best_assignment(*_indexed(mentees, mentors, scores)[:1], len(mentees),
                                   list(mentors.values()))
    assert result.matched_count == count
    assert abs(result.total_score - total) < 1e-9
    assert result.optimality_gap == 0.0


@settings(max_examples=500, deadline=None)
@given(instances())
def test_fair_raises_the_worst_off_without_losing_matches(
        instance: tuple[list[str], dict[str, int], list[tuple[str, str, float]]]) -> None:
    """``fair`` keeps the maximum count, reaches the best possible minimum, then the best total."""
    mentees, mentors, scores = instance
    result = match_scores(mentees, mentors, scores, objective="fair")
    indexed, capacities = _indexed(mentees, mentors, scores)
    count, _ = best_assignment(indexed, len(mentees), capacities)
    bottleneck = best_bottleneck(indexed, len(mentees), capacities)
    assert result.matched_count == count
    assert result.min_score == bottleneck
    if bottleneck is not None:
        _, total = best_assignment(indexed, len(mentees), capacities, bottleneck)
        assert abs(result.total_score - total) < 1e-9
        assert result.min_score >= match_scores(mentees, mentors, scores).min_score  # type: ignore[operator]


@settings(max_examples=500, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_input_order(
        instance: tuple[list[str], dict[str, int], list[tuple[str, str, float]]],
        shuffler: random.Random) -> None:
    """Shuffling mentees, mentors and scores gives exactly the same matches."""
    mentees, mentors, scores = instance
    expected = match_scores(mentees, mentors, scores).matches
    mentor_items = list(mentors.items())
    shuffler.shuffle(mentor_items)
    shuffled_scores = list(scores)
    shuffler.shuffle(shuffled_scores)
    shuffled_mentees = list(mentees)
    shuffler.shuffle(shuffled_mentees)
    assert match_scores(shuffled_mentees, dict(mentor_items), shuffled_scores).matches == expected


@settings(max_examples=500, deadline=None)
@given(instances())
def test_total_only_objective_equals_the_brute_force_optimum(
        instance: tuple[list[str], dict[str, int], list[tuple[str, str, float]]]) -> None:
    """Without the count first (used for the peer bound) the total alone is maximal."""
    mentees, mentors, scores = instance
    indexed, capacities = _indexed(mentees, mentors, scores)
    space = _space(len(mentees), len(mentors), indexed)
    result = solve_assignment(space, np.array(capacities, np.int64), k=1,
                              cardinality_first=False)
    slots = [col for col, capacity in enumerate(capacities) for _ in range(capacity)]
    best = 0.0
    if slots and mentees:
        weight = np.zeros((len(mentees), len(slots)))
        for (row, col), score in indexed.items():
            weight[row, [slot for slot, c in enumerate(slots) if c == col]] = score
        rows, cols = linear_sum_assignment(weight, maximize=True)
        best = float(weight[rows, cols].sum())
    assert abs(float(result.scores.sum()) - best) < 1e-9
    assert result.gap == 0.0


def test_ties_are_broken_by_id() -> None:
    """With equal scores the result is a fixed function of the ids, whatever the order given."""
    scores = [("b", "x", 0.5), ("a", "x", 0.5)]
    first = match_scores(["b", "a"], {"x": 1}, scores).matches
    second = match_scores(["a", "b"], {"x": 1}, list(reversed(scores))).matches
    assert first == second


@settings(max_examples=500, deadline=None)
@given(instances(), st.sampled_from(["max_total", "fair"]))
def test_a_long_explicit_list_is_pruned_and_still_solved_optimally(
        instance: tuple[list[str], dict[str, int], list[tuple[str, str, float]]],
        objective: str) -> None:
    """Past ``EXPLICIT_WHOLE_PAIRS`` (0 here) only each row's and column's best pair is a
    candidate; the proof adds what is missing, so count, minimum and total stay optimal."""
    mentees, mentors, scores = instance
    indexed, capacities = _indexed(mentees, mentors, scores)
    space = _space(len(mentees), len(mentors), indexed)
    with mock.patch.object(pairs_module, "EXPLICIT_WHOLE_PAIRS", 0):
        assert space.candidates(1).size <= len(mentees) + len(mentors)
        result = solve_assignment(space, np.array(capacities, np.int64), k=1,
                                  objective="fair" if objective == "fair" else "max_total")
    count, total = best_assignment(indexed, len(mentees), capacities)
    assert len(result.rows) == count and result.gap == 0.0
    if objective == "fair":
        bottleneck = best_bottleneck(indexed, len(mentees), capacities)
        if bottleneck is not None:
            assert float(result.scores.min()) == bottleneck
            total = best_assignment(indexed, len(mentees), capacities, bottleneck)[1]
    assert abs(float(result.scores.sum()) - total) < 1e-9
