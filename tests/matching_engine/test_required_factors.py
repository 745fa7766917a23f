""""Must match" factors (``Rules.required_factors``): a pair whose value of a required factor is 0
is masked out in every solver, people who gave no answer are never excluded, and the one-to-one
optimum equals brute force over the remaining pairs."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentora.matching.engine import (
    InvalidInstance,
    Mentee,
    Mentor,
    Peer,
    Profile,
    Rules,
    Weights,
    form_circles,
    match_one_on_one,
    match_peers,
    match_stable,
    prepare_mentor_pairs,
    solve_instance,
)
from mentora.matching.engine.__main__ import main
from mentora.matching.engine.availability import week_slots
from mentora.matching.engine.features import SENIORITY_LEVELS

from .brute import best_assignment, best_bottleneck
from .strategies import peer_pools, populations

#: Factors a random population can make 0 (text needs embeddings; choices are drawn separately).
DISCRETE = ("skills", "goals", "availability", "communication", "languages", "seniority",
            "department")
Population = tuple[list[Mentee], list[Mentor], Rules]


def factor_is_zero(factor: str, left: Profile, right: Profile, rules: Rules) -> bool:
    """Independent statement of "this factor is 0 for (mentee, mentor)" from the profiles."""
    if factor == "skills":
        return bool(left.skills_wanted) and not any(
            right.skills_offered.get(skill, 0) >= 1 for skill in left.skills_wanted)
    if factor in {"goals", "communication", "languages", "learning"}:
        attribute = {"goals": "tags", "communication": "channels", "languages": "languages",
                     "learning": "learning_styles"}[factor]
        mine, theirs = getattr(left, attribute), getattr(right, attribute)
        return bool(mine) and bool(theirs) and not mine & theirs
    if factor == "availability":
        return not (week_slots(left.availability, left.time_zone)
                    & week_slots(right.availability, right.time_zone)).any()
    if factor == "seniority":
        if left.seniority is None or right.seniority is None:
            return False
        top = SENIORITY_LEVELS - 1
        gap = min(max(right.seniority, 0), top) - min(max(left.seniority, 0), top)
        if rules.reverse_mentoring:
            gap = -gap
        low, high = rules.seniority_gap
        return max(low - gap, 0) + max(gap - high, 0) >= 3
    if factor in {"department", "site", "generation"}:
        mine, theirs = getattr(left, factor), getattr(right, factor)
        if mine is None or theirs is None:
            return False
        return bool(mine != theirs) if getattr(rules, factor) == "affinity" else mine == theirs
    raise AssertionError(factor)


def violates(mentee: Mentee, mentor: Mentor, rules: Rules) -> bool:
    """Return whether the pair has a required factor at 0."""
    if "choices" in rules.required_factors and mentor.id not in mentee.choices:
        return True
    return any(factor_is_zero(factor, mentee.profile, mentor.profile, rules)
               for factor in rules.required_factors - {"choices"})


@st.composite
def required_populations(draw: st.DrawFn) -> tuple[list[Mentee], list[Mentor], Rules, Weights]:
    """A population with a random set of required factors; some of them weigh nothing."""
    mentees, mentors, rules = draw(populations())
    required = draw(st.sets(st.sampled_from((*DISCRETE, "choices")), min_size=1, max_size=3))
    rules = dataclasses.replace(
        rules, required_factors=frozenset(required),
        department=draw(st.sampled_from(("affinity", "diversity"))),
        seniority_gap=draw(st.sampled_from(((1, 4), (0, 1), (2, 3)))))
    weights = Weights(text=0.0, seniority=draw(st.sampled_from((0.0, 1.0))),
                      goals=draw(st.sampled_from((0.0, 2.0))))
    return mentees, mentors, rules, weights


def _free_of(rules: Rules) -> Rules:
    return dataclasses.replace(rules, required_factors=frozenset())


@settings(max_examples=500, deadline=None)
@given(required_populations())
def test_scorer_masks_exactly_the_pairs_with_a_required_factor_at_zero(
        population: tuple[list[Mentee], list[Mentor], Rules, Weights]) -> None:
    """``scorer.block`` is -inf where a required factor is 0 and unchanged everywhere else."""
    mentees, mentors, rules, weights = population
    masked = prepare_mentor_pairs(mentees, mentors, weights=weights, rules=rules)
    free = prepare_mentor_pairs(mentees, mentors, weights=weights, rules=_free_of(rules))
    rows = slice(0, len(masked.mentees))
    block, free_block = masked.scorer.block(rows), free.scorer.block(rows)
    for row, mentee in enumerate(masked.mentees):
        for col, mentor in enumerate(masked.mentors):
            if violates(mentee, mentor, rules):
                assert block[row, col] == -np.inf
            else:
                assert block[row, col] == free_block[row, col]
    every_row = np.repeat(np.arange(len(masked.mentees)), len(masked.mentors))
    every_col = np.tile(np.arange(len(masked.mentors)), len(masked.mentees))
    pairwise = masked.scorer.pair_scores(every_row, every_col)
    assert np.array_equal(np.isfinite(pairwise), np.isfinite(block.reshape(-1)))


@settings(max_examples=500, deadline=None)
@given(required_populations(), st.sampled_from(("max_total", "fair")))
def test_one_on_one_equals_brute_force_without_the_masked_pairs(
        population: tuple[list[Mentee], list[Mentor], Rules, Weights], objective: str) -> None:
    """No match has a required factor at 0; count, total (and bottleneck) equal brute force
    over the pairs left once those are removed — with a candidate graph of k as small as 1."""
    mentees, mentors, rules, weights = population
    result = match_one_on_one(mentees, mentors, weights=weights, rules=rules, explain=False,
                              objective="fair" if objective == "fair" else "max_total")
    mentee_by_id = {m.id: m for m in mentees}
    mentor_by_id = {m.id: m for m in mentors}
    for match in result.matches:
        assert not violates(mentee_by_id[match.mentee], mentor_by_id[match.mentor], rules)
    free = prepare_mentor_pairs(mentees, mentors, weights=weights, rules=_free_of(rules))
    rows, cols, scores = free.scorer.score_rows(np.arange(len(free.mentees)))
    pairs = {(row, col): round(score, 6) for row, col, score in zip(
        rows.tolist(), cols.tolist(), scores.tolist(), strict=True)
        if not violates(free.mentees[row], free.mentors[col], rules)}
    count, total = best_assignment(pairs, len(free.mentees), free.capacities.tolist())
    assert result.matched_count == count
    assert result.optimality_gap is not None and result.optimality_gap < 1e-5
    if objective == "max_total":
        assert abs(sum(round(m.score, 6) for m in result.matches) - total) < 1e-6
    else:
        bottleneck = best_bottleneck(pairs, len(free.mentees), free.capacities.tolist())
        if bottleneck is not None:
            assert result.min_score is not None
            assert abs(round(result.min_score, 6) - bottleneck) < 1e-6


@settings(max_examples=500, deadline=None)
@given(required_populations())
def test_stable_matches_never_have_a_required_factor_at_zero(
        population: tuple[list[Mentee], list[Mentor], Rules, Weights]) -> None:
    """Neither the ranked lists nor the second pass use a masked pair."""
    mentees, mentors, rules, weights = population
    result = match_stable(mentees, mentors, weights=weights, rules=rules, list_length=2,
                          explain=False)
    mentee_by_id = {m.id: m for m in mentees}
    mentor_by_id = {m.id: m for m in mentors}
    for match in result.matches:
        assert not violates(mentee_by_id[match.mentee], mentor_by_id[match.mentor], rules)


@settings(max_examples=500, deadline=None)
@given(peer_pools(), st.sets(st.sampled_from(DISCRETE), min_size=1, max_size=3))
def test_peer_pairs_never_have_a_required_factor_at_zero(pool: list[Peer],
                                                         required: set[str]) -> None:
    """A peer score is the mean of both directions: a pair is masked when both are 0."""
    rules = Rules(required_factors=frozenset(required), department="affinity")
    result = match_peers(pool, weights=Weights(text=0, choices=0), rules=rules, k=2,
                         explain=False)
    profile = {p.id: p.profile for p in pool}
    for pair in result.pairs:
        for factor in required:
            assert not (factor_is_zero(factor, profile[pair.a], profile[pair.b], rules)
                        and factor_is_zero(factor, profile[pair.b], profile[pair.a], rules))


@settings(max_examples=500, deadline=None)
@given(required_populations())
def test_circle_members_never_have_a_required_factor_at_zero_with_their_facilitator(
        population: tuple[list[Mentee], list[Mentor], Rules, Weights]) -> None:
    """Circles are built from the same masked scores."""
    mentees, mentors, rules, weights = population
    result = form_circles(mentees, mentors, min_size=1, max_size=3, weights=weights,
                          rules=rules, min_common_hours=0)
    mentee_by_id = {m.id: m for m in mentees}
    mentor_by_id = {m.id: m for m in mentors}
    for circle in result.circles:
        for member in circle.members:
            assert not violates(mentee_by_id[member], mentor_by_id[circle.facilitator], rules)


def test_someone_who_gave_no_answer_is_never_excluded() -> None:
    """Required goals, languages, seniority and department: a mentee who left them all blank
    still gets a mentor (the neutral value is not 0)."""
    mentor = Mentor("m", profile=Profile(tags=frozenset({"ai"}), languages=frozenset({"fr"}),
                                         seniority=9, department="eng"))
    rules = Rules(required_factors=frozenset({"goals", "languages", "seniority", "department"}))
    result = match_one_on_one([Mentee("e")], [mentor], weights=Weights(text=0), rules=rules)
    assert [(m.mentee, m.mentor) for m in result.matches] == [("e", "m")]


def test_a_required_factor_masks_rather_than_penalises() -> None:
    """With required skills, a mentee whose wanted skill nobody offers stays unmatched even
    though every other factor fits perfectly."""
    mentor = Mentor("m", profile=Profile(skills_offered={"go": 3}, tags=frozenset({"ai"})))
    mentee = Mentee("e", Profile(skills_wanted={"sql": 1}, tags=frozenset({"ai"})),
                    choices=("m",))
    weights = Weights(text=0)
    assert match_one_on_one([mentee], [mentor], weights=weights).matched_count == 1
    rules = Rules(required_factors=frozenset({"skills"}))
    result = match_one_on_one([mentee], [mentor], weights=weights, rules=rules)
    assert result.matched_count == 0 and result.unmatched == ("e",)


def test_unknown_or_ignored_required_factors_are_rejected() -> None:
    """A misspelt factor, or an attribute the program ignores, is a clear InvalidInstance."""
    with pytest.raises(InvalidInstance, match="unknown required factor 'skils'"):
        Rules(required_factors=frozenset({"skils"}))
    with pytest.raises(InvalidInstance, match=r"rules\.site"):
        Rules(required_factors=frozenset({"site"}))
    with pytest.raises(InvalidInstance, match="'choices' cannot be a required factor"):
        match_peers([Peer("a"), Peer("b")], rules=Rules(required_factors=frozenset({"choices"})))


def test_the_json_format_reads_required_factors(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """``rules.required_factors`` is parsed; an unknown name exits 2 with a message naming it."""
    instance = {"format": "mentora.match/1", "weights": {"text": 0},
                "rules": {"required_factors": ["languages"], "require_shared_language": False},
                "mentors": [{"id": "m1", "profile": {"languages": ["fr"]}}],
                "mentees": [{"id": "e1", "profile": {"languages": ["de"]}},
                            {"id": "e2", "profile": {"languages": ["fr", "de"]}}]}
    result = solve_instance(instance)
    assert [m["mentee"] for m in result["matches"]] == ["e2"] and result["unmatched"] == ["e1"]
    instance["rules"] = {"required_factors": ["language"]}
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(instance))
    assert main(["solve", str(path)]) == 2
    error = capsys.readouterr().err
    assert "rules.required_factors names unknown factor 'language'" in error
    assert "Traceback" not in error
