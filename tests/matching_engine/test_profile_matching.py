"""One-to-one matching from profiles: hard constraints, optimality with a pruned candidate graph,
explanations and determinism."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mentora.matching.engine import (
    Mentee,
    Mentor,
    Profile,
    Rules,
    Weights,
    match_one_on_one,
    prepare_mentor_pairs,
)
from mentora.matching.engine.availability import utc_offset_hours
from mentora.matching.engine.constraints import reporting_line

from .brute import best_assignment, best_bottleneck
from .strategies import populations

WEIGHTS = Weights(text=0.0)


def _allowed(mentee: Mentee, mentor: Mentor, rules: Rules) -> bool:
    """Independent statement of the hard constraints."""
    if mentee.id == mentor.id or mentor.effective_capacity == 0:
        return False
    if rules.require_mentor_training and not mentor.trained:
        return False
    if mentor.id in mentee.avoid or mentee.id in mentor.avoid:
        return False
    if mentor.id in reporting_line(mentee.id, rules.manager_of):
        return False
    if mentee.id in reporting_line(mentor.id, rules.manager_of):
        return False
    mine, theirs = mentee.profile.languages, mentor.profile.languages
    if rules.require_shared_language and mine and theirs and not mine & theirs:
        return False
    if rules.max_time_zone_gap_hours is not None:
        gap = abs(utc_offset_hours(mentee.profile.time_zone)
                  - utc_offset_hours(mentor.profile.time_zone))
        if gap > rules.max_time_zone_gap_hours:
            return False
    return True


@settings(max_examples=500, deadline=None)
@given(populations())
def test_hard_constraints_and_capacities_hold(population: tuple[list[Mentee], list[Mentor],
                                                                Rules]) -> None:
    """No match breaks a hard constraint, a capacity (with the cross-program cap) or repeats."""
    mentees, mentors, rules = population
    result = match_one_on_one(mentees, mentors, weights=WEIGHTS, rules=rules)
    by_id = {m.id: m for m in mentors}
    mentee_by_id = {m.id: m for m in mentees}
    assert len({m.mentee for m in result.matches}) == result.matched_count
    for match in result.matches:
        assert _allowed(mentee_by_id[match.mentee], by_id[match.mentor], rules)
        assert 0.0 <= match.score <= 1.0
    for mentor in mentors:
        assert sum(m.mentor == mentor.id for m in result.matches) <= mentor.effective_capacity


@settings(max_examples=500, deadline=None)
@given(populations())
def test_optimal_over_all_pairs_despite_a_small_candidate_graph(
        population: tuple[list[Mentee], list[Mentor], Rules]) -> None:
    """With k as small as 1 the proof adds what is missing: the result equals brute force."""
    mentees, mentors, rules = population
    result = match_one_on_one(mentees, mentors, weights=WEIGHTS, rules=rules, explain=False)
    prepared = prepare_mentor_pairs(mentees, mentors, weights=WEIGHTS, rules=rules)
    rows, cols, scores = prepared.scorer.score_rows(np.arange(len(prepared.mentees)))
    units = np.rint(scores * 1e6) / 1e6
    count, total = best_assignment(dict(zip(zip(rows.tolist(), cols.tolist(), strict=True),
                                            units.tolist(), strict=True)),
                                   len(prepared.mentees), prepared.capacities.tolist())
    assert result.matched_count == count
    assert abs(sum(round(m.score, 6) for m in result.matches) - total) < 1e-6
    assert result.optimality_gap is not None and result.optimality_gap < 1e-5


@settings(max_examples=500, deadline=None)
@given(populations(), st.randoms(use_true_random=False))
def test_profile_matching_does_not_depend_on_input_order(
        population: tuple[list[Mentee], list[Mentor], Rules], shuffler: random.Random) -> None:
    """Shuffled mentees and mentors give the same matches, scores and explanations."""
    mentees, mentors, rules = population
    expected = match_one_on_one(mentees, mentors, weights=WEIGHTS, rules=rules).matches
    mentees, mentors = list(mentees), list(mentors)
    shuffler.shuffle(mentees)
    shuffler.shuffle(mentors)
    assert match_one_on_one(mentees, mentors, weights=WEIGHTS, rules=rules).matches == expected


def test_explanations_name_top_factors_and_hide_sensitive_ones() -> None:
    """Shares are of the score, the best factor comes first, sensitive attributes never show."""
    mentee = Mentee("e", Profile(skills_wanted={"speaking": 2}, tags=frozenset({"career"}),
                                 generation="z"))
    mentor = Mentor("m", profile=Profile(skills_offered={"speaking": 3},
                                         tags=frozenset({"career"}), generation="z"))
    rules = Rules(generation="affinity", sensitive_attributes=frozenset({"generation"}))
    weights = Weights(text=0, generation=10.0, availability=0)
    match = match_one_on_one([mentee], [mentor], weights=weights, rules=rules).matches[0]
    factors = [share.factor for share in match.explanation]
    assert "generation" not in factors
    assert factors[0] == "skills"
    assert match.explanation[0].detail == ("speaking",)
    assert all(0 < share.share <= 1 for share in match.explanation)


def test_a_factor_with_weight_zero_is_not_computed() -> None:
    """Zero-weight factors build no matrix and never appear in explanations."""
    prepared = prepare_mentor_pairs([Mentee("e")], [Mentor("m")],
                                    weights=Weights(text=0, goals=0, site=0), rules=Rules())
    names = {block.name for block in prepared.scorer.encoding.blocks}
    assert "goals" not in names and "text" not in names


def test_fair_objective_lifts_the_worst_off_mentee() -> None:
    """Where a different assignment raises the minimum score, ``fair`` takes it."""
    python = Profile(skills_offered={"python": 3, "sql": 1})
    sql = Profile(skills_offered={"sql": 1})
    mentors = [Mentor("a", profile=python), Mentor("b", profile=sql)]
    mentees = [Mentee("x", Profile(skills_wanted={"python": 3})),
               Mentee("y", Profile(skills_wanted={"sql": 3}))]
    weights = Weights(text=0, goals=0, availability=0, communication=0, languages=0,
                      learning=0, seniority=0, department=0, choices=0)
    total = match_one_on_one(mentees, mentors, weights=weights)
    fair = match_one_on_one(mentees, mentors, weights=weights, objective="fair")
    assert fair.matched_count == total.matched_count == 2
    assert fair.min_score is not None and total.min_score is not None
    assert fair.min_score >= total.min_score


def test_ranked_choices_raise_the_score() -> None:
    """A mentee's first choice scores higher than an otherwise identical mentor."""
    mentors = [Mentor("a"), Mentor("b")]
    result = match_one_on_one([Mentee("x", choices=("b",))], mentors, weights=Weights(text=0))
    assert result.matches[0].mentor == "b"
    assert result.matches[0].explanation[0].factor == "choices"


@settings(max_examples=500, deadline=None)
@given(populations())
def test_fair_bottleneck_is_optimal_over_all_pairs(
        population: tuple[list[Mentee], list[Mentor], Rules]) -> None:
    """``fair`` with a tiny candidate graph still reaches the brute-force best minimum score."""
    mentees, mentors, rules = population
    result = match_one_on_one(mentees, mentors, weights=WEIGHTS, rules=rules, explain=False,
                              objective="fair")
    prepared = prepare_mentor_pairs(mentees, mentors, weights=WEIGHTS, rules=rules)
    rows, cols, scores = prepared.scorer.score_rows(np.arange(len(prepared.mentees)))
    pairs = dict(zip(zip(rows.tolist(), cols.tolist(), strict=True),
                     (np.rint(scores * 1e6) / 1e6).tolist(), strict=True))
    bottleneck = best_bottleneck(pairs, len(prepared.mentees), prepared.capacities.tolist())
    if bottleneck is None:
        assert result.matched_count == 0
    else:
        assert result.min_score is not None
        assert abs(round(result.min_score, 6) - bottleneck) < 1e-6
