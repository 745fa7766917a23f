"""Factor products split by density equal the dense product, whatever the split."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentora.matching.engine import products
from mentora.matching.engine.products import SplitLeft


def _matrix(rng: np.random.Generator, rows: int, cols: int, density: float) -> np.ndarray:
    values = rng.integers(1, 5, size=(rows, cols)).astype(np.float32)
    return np.where(rng.random((rows, cols)) < density, values, np.float32(0))


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), rows=st.integers(0, 30), cols=st.integers(0, 12),
       width=st.integers(1, 20), split=st.sampled_from([0.0, 0.1, 0.5, 1.0]))
def test_split_product_equals_dense_product(seed: int, rows: int, cols: int, width: int,
                                            split: float) -> None:
    rng = np.random.default_rng(seed)
    # Columns of every density: some one-hot-like, some full.
    densities = rng.choice([0.02, 0.3, 1.0], size=cols)
    left = np.hstack([_matrix(rng, rows, 1, d) for d in densities]) if cols else np.zeros(
        (rows, 0), np.float32)
    right = _matrix(rng, width, cols, 0.7)
    split_left = SplitLeft.of(left, density=split)
    assert len(split_left.dense_columns) + len(split_left.sparse_columns) == cols
    expected = left @ right.T  # small whole numbers: exact in any summation order
    assert np.array_equal(split_left.product(slice(0, rows), split_left.right(right)), expected)
    picked = rng.permutation(rows)[: rows // 2]
    keep = np.sort(rng.permutation(width)[: max(1, width // 2)])
    out = np.full((len(picked), len(keep)), np.nan, dtype=np.float32)
    got = split_left.product(picked, split_left.right(right).columns(keep), out)
    assert got is out
    assert np.array_equal(out, expected[np.ix_(picked, keep)])


def test_columns_are_split_by_their_share_of_non_zeros() -> None:
    left = np.array([[1, 1, 0], [1, 0, 0], [1, 0, 2], [1, 0, 0]], dtype=np.float32)
    split = SplitLeft.of(left, density=0.25)
    assert split.dense_columns.tolist() == [0]
    assert split.sparse_columns.tolist() == [1, 2]


def test_public_product_is_used_without_the_in_place_kernel(
        monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    left, right = _matrix(rng, 9, 6, 0.2), _matrix(rng, 7, 6, 0.8)
    monkeypatch.setattr(products, "_csr_matvecs", None)
    split = SplitLeft.of(left, density=0.5)
    assert np.array_equal(split.product(slice(2, 8), split.right(right)), (left @ right.T)[2:8])


def test_out_must_be_contiguous_and_of_the_right_shape() -> None:
    split = SplitLeft.of(np.ones((4, 2), np.float32))
    out = np.empty((4, 6), np.float32)[:, ::2]
    with pytest.raises(ValueError, match="C-contiguous"):
        split.product(slice(0, 4), split.right(np.ones((3, 2), np.float32)), out)
    with pytest.raises(ValueError, match="shape"):
        split.product(slice(0, 4), split.right(np.ones((3, 2), np.float32)), np.empty((4, 2), np.float32))
