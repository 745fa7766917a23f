"""The space of allowed pairs a solver works on, and its candidate graph.

A :class:`PairSpace` scores allowed pairs on demand: either an explicit list
(:class:`ExplicitPairs`, the JSON ``scores`` form) or profiles scored block by block
(:class:`~mentora.matching.engine.scoring.ProfileScorer`). Its :meth:`PairSpace.candidates`
streams the whole space once and keeps each left row's and each right column's top ``k`` pairs,
plus an upper bound on every pair left out — what the optimality proof needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["EXPLICIT_WHOLE_PAIRS", "CandidateSet", "ColumnTopK", "ExplicitPairs", "PairSpace",
           "index_ranges", "select_block", "top_k_of_block"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def _no_pairs() -> npt.NDArray[np.int32]:
    return np.zeros(0, np.int32)


@dataclass(frozen=True)
class CandidateSet:
    """Candidate pairs, sorted by (row, col), with bounds on the pairs not included.

    The ``reserve`` holds more pairs the stream kept (scored, not in the solver's graph; it may
    repeat candidates): the optimality proof checks them against the prices without re-scoring.
    ``row_bound[i]`` (``col_bound[j]``) is at least the score of every allowed pair of row ``i``
    (column ``j``) in neither the candidates nor the reserve; ``-inf`` when none was left out.
    """

    rows: IntArray
    cols: IntArray
    scores: FloatArray
    row_bound: FloatArray
    col_bound: FloatArray
    reserve_rows: npt.NDArray[np.int32] = field(default_factory=_no_pairs)
    reserve_cols: npt.NDArray[np.int32] = field(default_factory=_no_pairs)
    reserve_scores: npt.NDArray[np.float32] = field(
        default_factory=lambda: np.zeros(0, np.float32))

    @property
    def size(self) -> int:
        """Return the number of candidate pairs."""
        return int(self.rows.size)


class PairSpace(Protocol):
    """Scores of the allowed (left, right) pairs; a pair not produced is not allowed."""

    n_left: int
    n_right: int

    def candidates(self, k: int, *, reserve: bool = True) -> CandidateSet:
        """Return each row's and each column's top ``k`` allowed pairs with bounds (and, with
        ``reserve``, more scored pairs for the proof)."""
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

    def pair_scores(self, rows: IntArray, cols: IntArray) -> FloatArray:
        """Return the scores of the given pairs, ``-inf`` for a pair not allowed."""
        ...


def _sorted_unique(rows: IntArray, cols: IntArray, scores: FloatArray, n_right: int,
                   ) -> tuple[IntArray, IntArray, FloatArray]:
    keys = rows * np.int64(n_right) + cols
    keys, first = np.unique(keys, return_index=True)
    return keys // n_right, keys % n_right, scores[first]


def index_ranges(low: IntArray, high: IntArray) -> IntArray:
    """Return the concatenated index ranges ``low[i]:high[i]``.

    Examples
    --------
    >>> index_ranges(np.array([2, 7]), np.array([4, 8])).tolist()
    [2, 3, 7]
    """
    length = high - low
    return (np.repeat(low - np.cumsum(length) + length, length)
            + np.arange(int(length.sum()), dtype=np.int64))


#: Explicit lists up to this many pairs go to the solver whole.
EXPLICIT_WHOLE_PAIRS = 200_000


def _best_per_group(groups: IntArray, scores: FloatArray, n_groups: int, k: int,
                    ) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    """Return which entries are among their group's ``k`` best (ties: earlier entry) and each
    group's ``k``-th best score (``-inf`` for a group with at most ``k`` entries).

    Examples
    --------
    >>> keep, bound = _best_per_group(np.array([0, 0, 0, 1]), np.array([0.2, 0.9, 0.5, 0.1]),
    ...                               2, 2)
    >>> keep.tolist(), bound.tolist()
    ([False, True, True, True], [0.5, -inf])
    """
    order = np.lexsort((-scores, groups))
    starts = np.searchsorted(groups[order], np.arange(n_groups + 1))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - np.repeat(starts[:-1], np.diff(starts))
    bound = np.full(n_groups, -np.inf)
    full = np.flatnonzero(np.diff(starts) > k)
    bound[full] = scores[order[starts[full] + k - 1]]
    return rank < k, bound


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

    def candidates(self, k: int, *, reserve: bool = True) -> CandidateSet:
        """Return every pair of a short list; of a long one, each row's and each column's
        ``k`` best, bounded by their ``k``-th best scores (the proof checks the rest)."""
        if self.rows.size <= EXPLICIT_WHOLE_PAIRS or k < 1:
            return CandidateSet(self.rows, self.cols, self.scores,
                                np.full(self.n_left, -np.inf), np.full(self.n_right, -np.inf))
        keep_row, row_bound = _best_per_group(self.rows, self.scores, self.n_left, k)
        keep_col, col_bound = _best_per_group(self.cols, self.scores, self.n_right, k)
        keep = keep_row | keep_col
        return CandidateSet(self.rows[keep], self.cols[keep], self.scores[keep], row_bound,
                            col_bound)

    def score_rows(self, rows: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
        """Return the listed pairs of ``rows``."""
        pieces = [np.arange(self._row_starts[r], self._row_starts[r + 1]) for r in rows]
        index = np.concatenate(pieces) if pieces else np.zeros(0, np.int64)
        return self.rows[index], self.cols[index], self.scores[index]

    def pair_scores(self, rows: IntArray, cols: IntArray) -> FloatArray:
        """Return the listed score of each pair, ``-inf`` for a pair not listed."""
        keys = self.rows * np.int64(max(self.n_right, 1)) + self.cols
        wanted = np.asarray(rows, np.int64) * max(self.n_right, 1) + np.asarray(cols, np.int64)
        where = np.clip(np.searchsorted(keys, wanted), 0, max(len(keys) - 1, 0))
        if not len(keys):
            return np.full(len(wanted), -np.inf)
        return np.where(keys[where] == wanted, self.scores[where], -np.inf)

    def pairs_above(self, rows: IntArray, row_floor: FloatArray, col_floor: FloatArray,
                    ) -> tuple[IntArray, IntArray, FloatArray]:
        """Return the listed pairs of ``rows`` scoring more than ``row_floor + col_floor``."""
        floor = np.full(self.n_left, np.inf)
        floor[rows] = row_floor
        keep = self.scores > floor[self.rows] + col_floor[self.cols]
        return self.rows[keep], self.cols[keep], self.scores[keep]


def _rank_in_rows(sample: npt.NDArray[np.float32], rank: int) -> npt.NDArray[np.float32]:
    """Return each row's ``rank``-th largest value (``rank`` < the row length; values are
    scores: at most 1, or ``-inf``).

    Exactly what a partition of every row gives, at a third of its cost: the ``rank``-th
    largest of an eighth of the row is a lower bound of the answer, so only the few values at
    or above it are sorted. Rows that bound says nothing about (mostly ``-inf``, or equal
    values) are partitioned.

    Examples
    --------
    >>> sample = np.array([[0.3, 0.1, 0.4, 0.1, 0.5, 0.9, 0.2, 0.6], [-np.inf] * 8],
    ...                   dtype=np.float32)
    >>> _rank_in_rows(sample, 2).tolist()
    [0.6000000238418579, -inf]
    """
    n_rows, width = sample.shape
    part = max(rank + 1, width // 8)
    if part >= width:
        kth: npt.NDArray[np.float32] = np.partition(sample, width - rank, axis=1)[
            :, width - rank]
        return kth
    # The rank-th largest of a part of a row is at most the row's: every value the answer
    # needs is at or above it.
    low = np.partition(sample[:, :part], part - rank, axis=1)[:, part - rank]
    answer = np.empty(n_rows, dtype=np.float32)
    # A part with fewer than rank allowed values says nothing: such rows are partitioned.
    vague = np.flatnonzero(low == -np.inf)
    if vague.size:
        answer[vague] = np.partition(sample[vague], width - rank, axis=1)[:, width - rank]
    sharp = np.flatnonzero(low > -np.inf)
    kept = sample if not vague.size else sample[sharp]
    above = kept >= low[sharp, None]
    if np.count_nonzero(above) > above.size // 4:
        # Rows of equal values keep most of their entries: a partition is cheaper.
        answer[sharp] = np.partition(kept, width - rank, axis=1)[:, width - rank]
        return answer
    rows, cols = np.nonzero(above)
    values = sample[sharp[rows], cols]
    # One float key: row, then descending value; exact in float64.
    order = np.argsort(rows * 4.0 + (1.0 - values.astype(np.float64)))
    starts = np.searchsorted(rows, np.arange(len(sharp)))
    answer[sharp] = values[order[starts + rank - 1]]
    return answer


def select_block(block: npt.NDArray[np.float32], k: int, col_floor: npt.NDArray[np.float32],
                 floor_rank: int | None = None) -> tuple[tuple[IntArray, IntArray, npt.NDArray[np.float32]],
                            tuple[IntArray, IntArray, npt.NDArray[np.float32]],
                            npt.NDArray[np.float32]]:
    """Return each row's ``k`` best allowed entries, the other entries at or above their row's
    or their column's floor (the reserve), and the row floors.

    A row's floor is the ``floor_rank``-th best (default ``k``) of a sample of columns (at most
    the row's ``floor_rank``-th best; ``-inf``: the row keeps everything); every entry left out
    is below both its floors. One
    compare and one small sort per block, no partition of whole rows. Rows are local; the top
    entries are sorted by row, then descending score (ties: lower column first).

    Examples
    --------
    >>> block = np.array([[0.1, 0.9, 0.5], [0.7, 0.2, -np.inf]], dtype=np.float32)
    >>> (rows, cols, _), (rest_rows, rest_cols, _), floor = select_block(
    ...     block, 1, np.array([1.0, 0.4, 0.5], dtype=np.float32))
    >>> cols.tolist(), rest_rows.tolist(), rest_cols.tolist(), floor.tolist()
    ([1, 0], [0], [2], [0.8999999761581421, 0.699999988079071])
    """
    n_rows, n_cols = block.shape
    rank_of_floor = max(k, floor_rank or k)
    sample = min(n_cols, max(64 * rank_of_floor, 4096))
    if sample > rank_of_floor:
        row_floor = _rank_in_rows(block[:, :sample], rank_of_floor)
    else:
        row_floor = np.full(n_rows, -np.inf, dtype=np.float32)
    # At or above min(row floor, column floor): two compares into one boolean mask (no float
    # matrix of floors); a flat index is much cheaper to extract than (row, col) pairs.
    kept = np.greater_equal(block, row_floor[:, None])
    kept |= np.greater_equal(block, col_floor[None, :])
    flat = np.flatnonzero(kept)
    values = block.reshape(-1)[flat]
    finite = np.isfinite(values)
    flat, values = flat[finite], values[finite]
    rows = flat // n_cols
    cols = flat - rows * n_cols
    in_row = values >= row_floor[rows]
    row_part = (rows[in_row], cols[in_row], values[in_row])
    # Row, then descending score; the stable sort keeps ties in column order.
    order = np.argsort(row_part[0] + (1.0 - row_part[2].astype(np.float64)) * 0.5,
                       kind="stable")
    r, c, v = row_part[0][order], row_part[1][order], row_part[2][order]
    starts = np.searchsorted(r, np.arange(n_rows + 1))
    rank = np.arange(len(r)) - np.repeat(starts[:-1], np.diff(starts))
    top = rank < k
    reserve = (np.concatenate([r[~top], rows[~in_row]]), np.concatenate([c[~top], cols[~in_row]]),
               np.concatenate([v[~top], values[~in_row]]))
    return (r[top], c[top], v[top]), reserve, row_floor.astype(np.float32)


def _row_top_k(block: npt.NDArray[np.float32], k: int,
               ) -> tuple[IntArray, IntArray, npt.NDArray[np.float32]]:
    """Return (local row, col, score) of each row's ``k`` best entries (ties: lower column)."""
    return select_block(block, k, np.full(block.shape[1], np.inf, dtype=np.float32))[0]


class ColumnTopK:
    """Each column's running top ``k`` over streamed rows (ties: lower row first, whatever the
    order rows are offered in).

    Entries beating a column's current ``k``-th best are buffered and compacted now and then,
    so a block costs one comparison pass instead of a partition of every column.

    Examples
    --------
    >>> best = ColumnTopK(k=1, n_cols=2)
    >>> best.add(np.array([[0.2, 0.5], [0.9, 0.1]], dtype=np.float32), row_offset=0)
    >>> best.add(np.array([[0.3, 0.7]], dtype=np.float32), row_offset=2)
    >>> rows, cols, values, bound = best.result()
    >>> rows.tolist(), cols.tolist(), bound.tolist()
    ([1, 2], [0, 1], [0.8999999761581421, 0.699999988079071])
    """

    def __init__(self, k: int, n_cols: int) -> None:
        self.k = k
        self.n_cols = n_cols
        self.kth = np.full(n_cols, -np.inf, dtype=np.float32)
        self._rows: list[IntArray] = []
        self._cols: list[IntArray] = []
        self._values: list[npt.NDArray[np.float32]] = []
        self._pending = 0

    def add(self, block: npt.NDArray[np.float32], row_offset: int) -> None:
        """Offer every entry of a block whose first row is ``row_offset``."""
        hits = block > self.kth[None, :]
        n_rows = block.shape[0]
        if np.count_nonzero(hits) > 2 * self.k * self.n_cols:
            # Early blocks: most entries beat the running k-th best; partition instead.
            take = min(self.k, n_rows)
            part = np.argpartition(block, n_rows - take, axis=0)[n_rows - take:]
            values = np.take_along_axis(block, part, axis=0).reshape(-1)
            rows = part.reshape(-1).astype(np.int64)
            cols = np.broadcast_to(np.arange(self.n_cols), part.shape).reshape(-1)
            finite = np.isfinite(values)
            rows, cols, values = rows[finite], cols[finite].astype(np.int64), values[finite]
        else:
            rows, cols = np.nonzero(hits)
            values = block[rows, cols]
        self._rows.append(rows.astype(np.int64) + row_offset)
        self._cols.append(cols.astype(np.int64))
        self._values.append(values)
        self._pending += len(rows)
        if self._pending > 4 * self.k * self.n_cols:
            self._compact()

    def add_entries(self, rows: IntArray, cols: IntArray,
                    values: npt.NDArray[np.float32]) -> None:
        """Offer scattered entries (``rows`` absolute, finite ``values``), in any row order."""
        # Ties with the running k-th best stay: a lower row offered later wins them.
        better = values >= self.kth[cols]
        self._rows.append(rows[better].astype(np.int64))
        self._cols.append(cols[better].astype(np.int64))
        self._values.append(values[better])
        self._pending += int(better.sum())
        if self._pending > 4 * self.k * self.n_cols:
            self._compact()

    def _compact(self) -> None:
        rows = np.concatenate(self._rows) if self._rows else np.zeros(0, np.int64)
        cols = np.concatenate(self._cols) if self._cols else np.zeros(0, np.int64)
        values = (np.concatenate(self._values) if self._values
                  else np.zeros(0, np.float32))
        # Column, then descending value, then row.
        key = cols + (1.0 - values.astype(np.float64)) * 0.5
        order = np.argsort(key, kind="stable")
        tied = np.flatnonzero(np.diff(key[order]) == 0)
        if tied.size:
            # Equal keys sit next to each other: order just those positions by row.
            at = np.union1d(tied, tied + 1)
            order[at] = order[at][np.lexsort((rows[order[at]], key[order[at]]))]
        rows, cols, values = rows[order], cols[order], values[order]
        starts = np.searchsorted(cols, np.arange(self.n_cols + 1))
        position = np.arange(len(cols)) - np.repeat(starts[:-1], np.diff(starts))
        keep = position < self.k
        rows, cols, values = rows[keep], cols[keep], values[keep]
        self._rows, self._cols, self._values = [rows], [cols], [values]
        self._pending = len(rows)
        counts = np.bincount(cols, minlength=self.n_cols)
        self.kth = np.full(self.n_cols, -np.inf, dtype=np.float32)
        full = np.flatnonzero(counts >= self.k)
        ends = np.cumsum(counts)
        self.kth[full] = values[ends[full] - 1]

    def result(self) -> tuple[IntArray, IntArray, npt.NDArray[np.float32], FloatArray]:
        """Return ``(rows, cols, values)`` of the top ``k`` of every column and its bound.

        The bound of a column is its ``k``-th best value, ``-inf`` if it has fewer than ``k``.
        """
        self._compact()
        return self._rows[0], self._cols[0], self._values[0], self.kth.astype(np.float64)


def top_k_of_block(block: npt.NDArray[np.float32], k: int, row_offset: int,
                   column_best: ColumnTopK | None) -> tuple[IntArray, IntArray,
                                                            npt.NDArray[np.float32]]:
    """Return a dense block's row top-``k`` and offer the block to the running column top-``k``.

    ``block`` holds scores with ``-inf`` for pairs not allowed; only allowed pairs are returned,
    at most ``k`` per row, sorted by row then descending score.

    Examples
    --------
    >>> block = np.array([[0.1, 0.9, 0.5], [0.7, 0.2, 0.3]], dtype=np.float32)
    >>> rows, cols, scores = top_k_of_block(block, 1, 10, None)
    >>> rows.tolist(), cols.tolist()
    ([10, 11], [1, 0])
    """
    local_rows, cols, scores = _row_top_k(block, k)
    if column_best is not None:
        column_best.add(block, row_offset)
    return local_rows + row_offset, cols, scores
