"""Streaming the pair space in many small blocks gives the same pairs, bounds and optimum as one
block: the block edges (threads, re-scoring chunks and their row slabs) lose nothing."""

from __future__ import annotations

import numpy as np
import pytest

from mentora.matching.engine import (
    Rules,
    Weights,
    match_one_on_one,
    pairs,
    prepare_mentor_pairs,
    scoring,
)
from mentora.matching.engine.people import Mentee, Mentor, Profile
from mentora.matching.engine.synthetic import synthetic_population

POPULATION = synthetic_population(150, 40, seed=7)
RULES = Rules(candidates_per_person=2, max_time_zone_gap_hours=6)


def _prepared() -> scoring.ProfileScorer:
    return prepare_mentor_pairs(POPULATION.mentees, POPULATION.mentors, weights=Weights(),
                                rules=RULES, text_vectors=POPULATION.text_vectors).scorer


def _small_blocks(monkeypatch: pytest.MonkeyPatch, rows: int) -> None:
    monkeypatch.setattr(scoring, "BLOCK_CELLS", rows * len(POPULATION.mentors))
    monkeypatch.setattr(scoring, "MIN_BLOCK_ROWS", rows)


def test_pairs_above_reads_every_row_across_blocks_and_slabs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """45-row blocks over 150 rows: chunks of 45, 45, 45, 15 rows, each read in 32-row slabs."""
    scorer = _prepared()
    full = scorer.block(slice(0, scorer.n_left)).astype(np.float64)
    rng = np.random.default_rng(3)
    rows = np.arange(scorer.n_left)
    row_floor = rng.uniform(-0.3, 0.3, scorer.n_left)
    col_floor = rng.uniform(0.0, 0.5, scorer.n_right)
    _small_blocks(monkeypatch, 45)
    assert scorer.rows_per_block == 45
    got_rows, got_cols, got_scores = scorer.pairs_above(rows, row_floor, col_floor)
    want_rows, want_cols = np.nonzero(full > row_floor[:, None] + col_floor[None, :])
    assert len(want_rows) > 100
    got = sorted(zip(got_rows.tolist(), got_cols.tolist(), strict=True))
    assert got == sorted(zip(want_rows.tolist(), want_cols.tolist(), strict=True))
    np.testing.assert_allclose(np.sort(got_scores), np.sort(full[want_rows, want_cols]),
                               atol=1e-6)


def test_candidates_and_bounds_are_the_same_in_small_blocks(
        monkeypatch: pytest.MonkeyPatch) -> None:
    whole = _prepared().candidates(3)
    _small_blocks(monkeypatch, 7)
    scorer = _prepared()
    assert scorer.rows_per_block == 7
    split = scorer.candidates(3)
    assert np.array_equal(whole.rows, split.rows) and np.array_equal(whole.cols, split.cols)
    np.testing.assert_allclose(whole.scores, split.scores, atol=1e-6)
    np.testing.assert_allclose(whole.col_bound, split.col_bound, atol=1e-6)
    # Every pair left out is bounded by its row's and its column's bound.
    full = scorer.block(slice(0, scorer.n_left)).astype(np.float64)
    kept = np.zeros(full.shape, dtype=np.bool_)
    kept[split.rows, split.cols] = True
    kept[split.reserve_rows, split.reserve_cols] = True
    left_out = np.isfinite(full) & ~kept
    rows, cols = np.nonzero(left_out)
    assert np.all(full[rows, cols] <= np.minimum(split.row_bound[rows], split.col_bound[cols])
                  + 1e-6)


def test_optimum_does_not_depend_on_the_block_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny blocks (30 of them, on two threads) and two candidates per person: the same proven
    optimum."""
    whole = match_one_on_one(POPULATION.mentees, POPULATION.mentors, rules=RULES,
                             text_vectors=POPULATION.text_vectors)
    _small_blocks(monkeypatch, 5)
    split = match_one_on_one(POPULATION.mentees, POPULATION.mentors, rules=RULES,
                             text_vectors=POPULATION.text_vectors)
    assert whole.optimality_gap == split.optimality_gap == 0.0
    assert split.matched_count == whole.matched_count
    assert split.total_score == pytest.approx(whole.total_score, abs=1e-5)


@pytest.mark.parametrize("rank", [1, 2, 16, 63])
def test_row_ranks_equal_a_partition_of_every_row(rank: int) -> None:
    """The sampled row floors of the stream: ties, -inf runs and rows of one value included."""
    rng = np.random.default_rng(rank)
    sample = rng.choice(np.linspace(0, 1, 50), size=(60, 512)).astype(np.float32)
    sample[rng.random(sample.shape) < 0.3] = -np.inf
    sample[5] = -np.inf
    sample[6] = 0.25
    sample[7, :rank] = 0.9  # the answer sits entirely in the first eighth
    sample[8, -rank:] = 1.0  # ... or entirely outside it
    sample[9:20, :64] = -np.inf  # the first eighth allows nothing: the bound says nothing
    sample[20:40] = 0.5  # equal values everywhere
    want = np.partition(sample, 512 - rank, axis=1)[:, 512 - rank]
    got = pairs._rank_in_rows(sample, rank)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, want)


def test_rows_scored_by_pattern_equal_the_full_block() -> None:
    """Rows grouped by language / time-zone pattern, each scored on the columns it may meet,
    give exactly the allowed pairs of the full block — one row, a few, or all of them."""
    scorer = _prepared()
    assert scorer._allowed is not None and len(scorer._allowed) > 1
    full = scorer.block(slice(0, scorer.n_left)).astype(np.float64)
    assert np.isinf(full).any()
    pattern = scorer._blocked[0] if scorer._blocked is not None else None
    assert pattern is not None
    narrow = int(np.argmin([len(cols) for cols in scorer._allowed]))
    for rows in (np.array([0]), np.flatnonzero(pattern == narrow)[:2], np.array([3, 90, 149]),
                 np.arange(scorer.n_left)):
        got_rows, got_cols, got_scores = scorer.score_rows(rows)
        want_rows, want_cols = np.nonzero(np.isfinite(full[rows]))
        got = np.lexsort((got_cols, got_rows))
        want = np.lexsort((want_cols, rows[want_rows]))
        assert np.array_equal(got_rows[got], rows[want_rows][want])
        assert np.array_equal(got_cols[got], want_cols[want])
        # A product over fewer columns may round the last float32 bit differently.
        np.testing.assert_allclose(got_scores[got], full[rows[want_rows], want_cols][want],
                                   atol=1e-6)


def test_a_row_that_may_meet_no_mentor_gets_no_pair() -> None:
    """Two patterns, one of which meets no mentor (no time-zone gap allowed)."""
    mentees = [Mentee("e0", Profile(time_zone="UTC")),
               Mentee("e1", Profile(time_zone="Asia/Tokyo"))]
    mentors = [Mentor("m0", capacity=2, profile=Profile(time_zone="UTC"))]
    prepared = prepare_mentor_pairs(mentees, mentors, weights=Weights(text=0.0),
                                    rules=Rules(max_time_zone_gap_hours=0.0))
    rows, cols, _ = prepared.scorer.score_rows(np.arange(2))
    assert rows.tolist() == [0] and cols.tolist() == [0]
    result = match_one_on_one(mentees, mentors, weights=Weights(text=0.0),
                              rules=Rules(max_time_zone_gap_hours=0.0), explain=False)
    assert [(m.mentee, m.mentor) for m in result.matches] == [("e0", "m0")]
