"""Stable matching: no blocking pair, the mentee-optimal result, and the leftovers' second pass."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mentora.matching.engine import Mentee, Mentor, Weights, match_stable, stable_from_lists
from mentora.matching.engine.interchange import solve_instance

from .brute import blocking_pairs, gale_shapley


@st.composite
def ranked_lists(draw: st.DrawFn) -> tuple[dict[str, list[str]], dict[str, list[str]],
                                           dict[str, int]]:
    mentees = [f"e{i}" for i in range(draw(st.integers(0, 8)))]
    mentors = [f"m{j}" for j in range(draw(st.integers(1, 4)))]
    mentee_lists = {e: draw(st.permutations(mentors))[:draw(st.integers(0, len(mentors)))]
                    for e in mentees}
    mentor_lists = {m: draw(st.permutations(mentees))[:draw(st.integers(0, len(mentees)))]
                    for m in mentors}
    capacities = {m: draw(st.integers(0, 3)) for m in mentors}
    return mentee_lists, mentor_lists, capacities


@settings(max_examples=500, deadline=None)
@given(ranked_lists())
def test_deferred_acceptance_leaves_no_blocking_pair(
        lists: tuple[dict[str, list[str]], dict[str, list[str]], dict[str, int]]) -> None:
    """No mentee and mentor on each other's lists would both rather be together."""
    mentee_lists, mentor_lists, capacities = lists
    match = stable_from_lists(mentee_lists, mentor_lists, capacities)
    assert blocking_pairs(match, mentee_lists, mentor_lists, capacities) == []
    for mentor, capacity in capacities.items():
        assert sum(m == mentor for m in match.values()) <= capacity
    for mentee, mentor in match.items():
        assert mentor in mentee_lists[mentee] and mentee in mentor_lists[mentor]


@settings(max_examples=500, deadline=None)
@given(ranked_lists())
def test_deferred_acceptance_is_the_mentee_optimal_result(
        lists: tuple[dict[str, list[str]], dict[str, list[str]], dict[str, int]]) -> None:
    """The vectorised rounds equal the textbook one-proposal-at-a-time algorithm."""
    mentee_lists, mentor_lists, capacities = lists
    assert stable_from_lists(mentee_lists, mentor_lists, capacities) == gale_shapley(
        mentee_lists, mentor_lists, capacities)


def test_second_pass_gives_leftovers_a_mentor_with_spare_capacity() -> None:
    """A mentee whose short list is exhausted still gets an allowed mentor with room."""
    instance = {"format": "mentora.match/1", "form": "stable",
                "mentors": [{"id": "a", "capacity": 1}, {"id": "b", "capacity": 1}],
                "mentees": [{"id": "x"}, {"id": "y"}],
                "scores": [{"mentee": "x", "mentor": "a", "score": 0.9},
                           {"mentee": "y", "mentor": "a", "score": 0.8},
                           {"mentee": "y", "mentor": "b", "score": 0.1}],
                "options": {"list_length": 1}}
    result = solve_instance(instance)
    assert {(m["mentee"], m["mentor"]) for m in result["matches"]} == {("x", "a"), ("y", "b")}
    assert result["stats"]["second_pass_matches"] == 1


def test_stable_from_profiles_respects_capacity() -> None:
    """Profile-based stable matching fills a mentor up to capacity and no further."""
    result = match_stable([Mentee(f"e{i}") for i in range(3)], [Mentor("m", capacity=2)],
                          weights=Weights(text=0))
    assert result.matched_count == 2
    assert len(result.unmatched) == 1
