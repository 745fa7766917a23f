"""Sparse (row, col) pairs with values, indexed by row: the constraints and the ``choices``
factor that a block of scores reads for its rows."""

from __future__ import annotations

import numpy as np

from .pairs import FloatArray, IntArray, index_ranges

__all__ = ["SparsePairs"]


class SparsePairs:
    """A sparse set of (row, col) pairs with values, indexed by row for block lookups.

    Examples
    --------
    >>> pairs = SparsePairs(np.array([2, 0]), np.array([1, 1]), np.array([0.5, 1.0]), n_rows=3)
    >>> pairs.in_rows(np.array([2]))[1].tolist()
    [1]
    """

    def __init__(self, rows: IntArray, cols: IntArray, values: FloatArray, *, n_rows: int) -> None:
        order = np.lexsort((cols, rows))
        self.rows = np.asarray(rows, np.int64)[order]
        self.cols = np.asarray(cols, np.int64)[order]
        self.values = np.asarray(values, np.float64)[order]
        self.n_rows = n_rows
        self._starts = np.searchsorted(self.rows, np.arange(n_rows + 1))
        self._keys: tuple[int, IntArray] | None = None

    def in_range(self, start: int, stop: int) -> tuple[IntArray, IntArray, FloatArray]:
        """Return the entries with ``start <= row < stop``, rows made relative to ``start``."""
        lo, hi = self._starts[start], self._starts[stop]
        return self.rows[lo:hi] - start, self.cols[lo:hi], self.values[lo:hi]

    def in_rows(self, rows: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
        """Return the entries of ``rows``, rows given as positions in ``rows``."""
        rows = np.asarray(rows, np.int64)
        low, high = self._starts[rows], self._starts[rows + 1]
        index = index_ranges(low, high)
        return np.repeat(np.arange(len(rows)), high - low), self.cols[index], self.values[index]

    def lookup(self, rows: IntArray, cols: IntArray, n_cols: int) -> FloatArray:
        """Return the value of each (row, col) pair, 0 where absent."""
        if self._keys is None or self._keys[0] != n_cols:
            self._keys = (n_cols, self.rows * n_cols + self.cols)
        keys = self._keys[1]
        wanted = np.asarray(rows, np.int64) * n_cols + np.asarray(cols, np.int64)
        where = np.clip(np.searchsorted(keys, wanted), 0, max(len(keys) - 1, 0))
        found = (keys[where] == wanted) if len(keys) else np.zeros(len(wanted), np.bool_)
        return np.where(found, self.values[where] if len(keys) else 0.0, 0.0)
