"""The space of allowed pairs a solver works on, and its candidate graph.

A :class:`PairSpace` scores allowed pairs on demand: either an explicit list
(:class:`ExplicitPairs`, the JSON ``scores`` form) or profiles scored block by block
(:class:`~mentora.matching.engine.scoring.ProfileScorer`). Its :meth:`PairSpace.candidates`
streams the whole space once and keeps each left row's and each right column's top ``k`` pairs,
plus an upper bound on every pair left out — what the optimality proof needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["CandidateSet", "ExplicitPairs", "PairSpace", "top_k_of_block"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CandidateSet:
    """Candidate pairs, sorted by (row, col), with bounds on the pairs not included.

    ``row_bound[i]`` (``col_bound[j]``) is at least the score of every allowed pair of row ``i``
    (column ``j``) not in the set; ``-inf`` when none was left out.
    """

    rows: IntArray
    cols: IntArray
    scores: FloatArray
    row_bound: FloatArray
    col_bound: FloatArray

    @property
    def size(self) -> int:
        """Return the number of candidate pairs."""
        return int(self.rows.size)


class PairSpace(Protocol):
    """Scores of the allowed (left, right) pairs; a pair not produced is not allowed."""

    n_left: int
    n_right: int

    def candidates(self, k: int) -> CandidateSet:
        """Return each row's and each column's top ``k`` allowed pairs with bounds."""
        ...

    def score_rows(self, rows: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
        """Return every allowed pair of the given rows as ``(rows, cols, scores)``."""
        ...

    def pairs_above(self, rows: IntArray, row_floor: FloatArray, col_floor: FloatArray,
                    ) -> tuple[IntArray, IntArray, FloatArray]:
        """Return the allowed pairs of ``rows`` scoring more than ``row_floor + col_floor``.

        ``row_floor`` is aligned with ``rows``; ``col_floor`` has one entry per column.
        """
        ...


def _sorted_unique(rows: IntArray, cols: IntArray, scores: FloatArray, n_right: int,
                   ) -> tuple[IntArray, IntArray, FloatArray]:
    keys = rows * np.int64(n_right) + cols
    keys, first = np.unique(keys, return_index=True)
    return keys // n_right, keys % n_right, scores[first]


class ExplicitPairs:
    """An explicit list of allowed pairs with their scores (all of them are candidates).

    Examples
    --------
    >>> space = ExplicitPairs(2, 1, np.array([1, 0]), np.array([0, 0]), np.array([0.4, 0.8]))
    >>> space.candidates(5).rows.tolist()
    [0, 1]
    >>> space.score_rows(np.array([1]))[2].tolist()
    [0.4]
    """

    def __init__(self, n_left: int, n_right: int, rows: IntArray, cols: IntArray,
                 scores: FloatArray) -> None:
        self.n_left = n_left
        self.n_right = n_right
        self.rows, self.cols, self.scores = _sorted_unique(
            np.asarray(rows, np.int64), np.asarray(cols, np.int64),
            np.asarray(scores, np.float64), max(n_right, 1))
        self._row_starts = np.searchsorted(self.rows, np.arange(n_left + 1))

    def candidates(self, k: int) -> CandidateSet:
        """Return all pairs: an explicit list is small enough to use whole."""
        return CandidateSet(self.rows, self.cols, self.scores,
                            np.full(self.n_left, -np.inf), np.full(self.n_right, -np.inf))

    def score_rows(self, rows: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
        """Return the listed pairs of ``rows``."""
        pieces = [np.arange(self._row_starts[r], self._row_starts[r + 1]) for r in rows]
        index = np.concatenate(pieces) if pieces else np.zeros(0, np.int64)
        return self.rows[index], self.cols[index], self.scores[index]

    def pairs_above(self, rows: IntArray, row_floor: FloatArray, col_floor: FloatArray,
                    ) -> tuple[IntArray, IntArray, FloatArray]:
        """Return the listed pairs of ``rows`` scoring more than ``row_floor + col_floor``."""
        floor = np.full(self.n_left, np.inf)
        floor[rows] = row_floor
        keep = self.scores > floor[self.rows] + col_floor[self.cols]
        return self.rows[keep], self.cols[keep], self.scores[keep]


def top_k_of_block(block: npt.NDArray[np.float32], k: int, row_offset: int,
                   column_best: tuple[npt.NDArray[np.float32], IntArray] | None,
                   ) -> tuple[IntArray, IntArray, npt.NDArray[np.float32],
                              tuple[npt.NDArray[np.float32], IntArray]]:
    """Select a dense block's row top-``k`` and merge its column top-``k`` into the running one.

    ``block`` holds scores with ``-inf`` for pairs not allowed. Returns the row candidates
    ``(rows, cols, scores)``, with ``-inf`` entries kept (the caller drops them; they make the
    bound ``-inf``), and the running ``(values, rows)`` of the column top ``k``, shape
    ``(k', n_right)``.

    Examples
    --------
    >>> block = np.array([[0.1, 0.9, 0.5], [0.7, 0.2, 0.3]], dtype=np.float32)
    >>> rows, cols, scores, (best, best_rows) = top_k_of_block(block, 1, 10, None)
    >>> rows.tolist(), cols.tolist(), best_rows.tolist()
    ([10, 11], [1, 0], [[11, 10, 10]])
    """
    n_rows, n_cols = block.shape
    if n_cols > k:
        row_cols = np.argpartition(block, n_cols - k, axis=1)[:, n_cols - k:]
    else:
        row_cols = np.broadcast_to(np.arange(n_cols), (n_rows, n_cols))
    row_scores = np.take_along_axis(block, row_cols, axis=1)
    row_ids = np.repeat(np.arange(row_offset, row_offset + n_rows), row_cols.shape[1])
    if n_rows > k:
        col_rows = np.argpartition(block, n_rows - k, axis=0)[n_rows - k:]
    else:
        col_rows = np.broadcast_to(np.arange(n_rows)[:, None], (n_rows, n_cols))
    col_values = np.take_along_axis(block, col_rows, axis=0)
    col_rows = col_rows + row_offset
    if column_best is not None:
        col_values = np.vstack([column_best[0], col_values])
        col_rows = np.vstack([column_best[1], col_rows])
        if col_values.shape[0] > k:
            keep = np.argpartition(col_values, col_values.shape[0] - k, axis=0)[-k:]
            col_values = np.take_along_axis(col_values, keep, axis=0)
            col_rows = np.take_along_axis(col_rows, keep, axis=0)
    return (row_ids.astype(np.int64), row_cols.reshape(-1).astype(np.int64),
            row_scores.reshape(-1), (col_values, col_rows.astype(np.int64)))
