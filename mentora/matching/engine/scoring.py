"""Score blocks of (mentee × mentor) pairs from profiles, with hard constraints as masks.

:class:`ProfileScorer` is the profile-based :class:`~mentora.matching.engine.pairs.PairSpace`:
a block of rows is scored with one product for the linear factors and one for availability (each
split by density: dense columns through BLAS, sparse ones as CSR, see :mod:`.products`) and one
for the language / time-zone mask; sparse constraints (self, reporting line, avoid lists,
past pairs) and the sparse ``choices`` factor are applied per block. No per-pair Python loop.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from .features import ProfileEncoding
from .pairs import CandidateSet, ColumnTopK, FloatArray, IntArray, select_block
from .products import SplitLeft, SplitRight
from .sparse import SparsePairs

__all__ = ["ProfileScorer", "compress_columns"]

_Float32 = npt.NDArray[np.float32]
_Item = TypeVar("_Item")
_Result = TypeVar("_Result")
_Selection = tuple[tuple[IntArray, IntArray, _Float32], tuple[IntArray, IntArray, _Float32],
                   _Float32]

BLOCK_CELLS = 8_000_000
#: Blocks split for the threads still hold this many rows (small products waste BLAS time).
MIN_BLOCK_ROWS = 256
#: Share of each column's pairs the candidate stream keeps in reserve for the proof.
RESERVE_COLUMN_SHARE = 0.005
#: A row keeps in reserve what beats the score of this rank in a sample of its columns: 16, or
#: up to 64 (at most an eighth of the columns) while rows × rank stays within
#: RESERVE_ROW_PAIRS. A deeper reserve spares the proof re-scoring rows; on large spaces it
#: costs more in the stream and in memory than it saves.
RESERVE_ROW_RANK = 16
RESERVE_ROW_RANK_MAX = 64
RESERVE_ROW_PAIRS = 640_000
#: Rows sampled to place the column floors of the reserve.
COLUMN_SAMPLE_ROWS = 1000
#: A required factor at or below this value counts as 0 (float32 noise around an exact 0).
REQUIRED_ZERO = 1e-6
#: Up to this many distinct language / time-zone patterns per side, blocked pairs are written
#: column by column instead of computed with a product over the block.
MAX_GATE_PATTERNS = 256
#: A pattern's rows are scored on just the columns they may meet when the cells skipped are at
#: least this many times the columns gathered for them.
PATTERN_GAIN = 8
#: Threads scoring blocks of the candidate stream at once (BLAS is pinned to one thread each).
SCORING_THREADS = max(1, min(2, os.cpu_count() or 1))


def compress_columns(left: npt.NDArray[np.float32], right: npt.NDArray[np.float32],
                     ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Return matrices with the same ``left @ right.T`` and fewer columns.

    Columns zero on either side are dropped, and columns whose right-hand values are identical
    are merged (their left-hand columns add up): e.g. the constant columns of the factors, or
    skill levels every mentor has. The product is exact up to float32 summation order.

    Examples
    --------
    >>> left = np.array([[1, 2, 0, 5], [3, 4, 0, 6]], dtype=np.float32)
    >>> right = np.array([[1, 1, 7, 0], [0, 0, 8, 0]], dtype=np.float32)
    >>> small_left, small_right = compress_columns(left, right)
    >>> small_left.shape, bool(np.array_equal(small_left @ small_right.T, left @ right.T))
    ((2, 1), True)
    """
    used = np.flatnonzero(np.any(left != 0, axis=0) & np.any(right != 0, axis=0))
    if not used.size:
        return (np.zeros((left.shape[0], 0), np.float32),
                np.zeros((right.shape[0], 0), np.float32))
    # Identical right-hand columns found by their bytes (a dict, not a sort of whole columns).
    right_t = np.ascontiguousarray(right.T[used], dtype=np.float32)
    groups: dict[bytes, list[int]] = {}
    for position, column in enumerate(right_t):
        groups.setdefault(column.tobytes(), []).append(int(used[position]))
    members = sorted(groups.values())
    merged_left = np.ascontiguousarray(left[:, [group[0] for group in members]],
                                       dtype=np.float32)
    for position, group in enumerate(members):
        for column in group[1:]:
            merged_left[:, position] += left[:, column]
    return merged_left, np.ascontiguousarray(right[:, [group[0] for group in members]],
                                             dtype=np.float32)


def _row_patterns(matrix: npt.NDArray[np.float32]) -> tuple[npt.NDArray[np.float32],
                                                              npt.NDArray[np.intp]]:
    """Return the distinct rows of ``matrix`` and, per row, the index of its pattern."""
    rows = np.ascontiguousarray(matrix, dtype=np.float32)
    if not rows.shape[1]:
        return rows[:1], np.zeros(len(rows), dtype=np.intp)
    keys = rows.view(np.dtype((np.void, rows.shape[1] * rows.itemsize))).reshape(-1)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return rows[first], inverse.reshape(-1).astype(np.intp)


def _blocked_columns(gate_left: npt.NDArray[np.float32], gate_right: npt.NDArray[np.float32],
                     ) -> tuple[npt.NDArray[np.intp], list[npt.NDArray[np.intp]]] | None:
    """Return each left row's gate pattern and, per pattern, the right columns it may not meet.

    ``None`` when there are too many patterns for that to be cheaper than a gate product.

    Examples
    --------
    >>> left = np.array([[1, 0, -0.5], [0, 1, -0.5], [1, 0, -0.5]], dtype=np.float32)
    >>> right = np.array([[1, 0, 1], [0, 1, 1], [1, 1, 1]], dtype=np.float32)
    >>> pattern, blocked = _blocked_columns(left, right)
    >>> pattern.tolist(), [b.tolist() for b in blocked]
    ([1, 0, 1], [[0], [1]])
    """
    left_patterns, row_pattern = _row_patterns(gate_left)
    right_patterns, col_pattern = _row_patterns(gate_right)
    if len(left_patterns) > MAX_GATE_PATTERNS or len(right_patterns) > MAX_GATE_PATTERNS:
        return None
    allowed = (left_patterns @ right_patterns.T) > 0
    return row_pattern, [np.flatnonzero(~allowed[pattern][col_pattern])
                         for pattern in range(len(left_patterns))]


def _in_threads(work: Callable[[_Item], _Result], items: Sequence[_Item]) -> Iterator[_Result]:
    """Yield ``work(item)`` for each item, in order, computed on ``SCORING_THREADS`` threads
    with BLAS pinned to one thread each (oversubscription costs more than it gains on small
    machines); in order, so results never depend on the thread count."""
    if len(items) < 2 or SCORING_THREADS < 2:
        yield from map(work, items)
        return
    with threadpool_limits(limits=1), ThreadPoolExecutor(max_workers=SCORING_THREADS) as pool:
        yield from pool.map(work, items)


@dataclass(frozen=True)
class _Columns:
    """The right-hand matrices of a set of columns: all of them (``cols`` is ``None``) or
    those a pattern of rows may meet, with each column's ``position`` among them (-1: not)."""

    cols: IntArray | None
    position: IntArray | None
    right: SplitRight
    clip_right: SplitRight | None
    required_t: list[npt.NDArray[np.float32]]


def _local(entries: tuple[IntArray, IntArray, FloatArray], position: IntArray,
           ) -> tuple[IntArray, IntArray, FloatArray]:
    """Return sparse ``(row, col, value)`` entries with columns made local (``position``),
    dropping those in columns outside the block."""
    cols = position[entries[1]]
    inside = cols >= 0
    return entries[0][inside], cols[inside], entries[2][inside]


class ProfileScorer:
    """Scores of every allowed (left, right) pair, computed block by block from an encoding.

    ``forbidden`` pairs are never allowed; ``bonus`` holds the sparse ``choices`` factor in
    [0, 1], counted with ``bonus_share`` (its weight over the total weight). With ``symmetric``
    (peers, left = right) the score of ``(a, b)`` is the mean of both directions. A pair whose
    value of a required factor (``encoding.required``; ``choices`` when ``require_bonus``) is 0
    is not allowed.
    """

    def __init__(self, encoding: ProfileEncoding, *, n_left: int, n_right: int,
                 forbidden: SparsePairs, bonus: SparsePairs, bonus_share: float = 0.0,
                 symmetric: bool = False, require_bonus: bool = False) -> None:
        self.encoding = encoding
        self.n_left = n_left
        self.n_right = n_right
        self.forbidden = forbidden
        self.bonus = bonus
        self.bonus_share = bonus_share
        self.symmetric = symmetric
        self.require_bonus = require_bonus
        # Every factor is >= 0 both ways, so a symmetric value is 0 only when both directions are.
        self._required: list[tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]] = [
            compress_columns(np.hstack([b.left, b.right]) if symmetric else b.left,
                             np.hstack([b.right, b.left]) if symmetric else b.right)
            for b in encoding.required]
        self._required_t = [np.ascontiguousarray(right.T) for _, right in self._required]
        left, right = encoding.linear_left, encoding.linear_right
        if symmetric:
            # (L_a·R_b + L_b·R_a) / 2 = [L_a, R_a]·[R_b, L_b] / 2: one product, both directions.
            left, right = np.hstack([left, right]) * 0.5, np.hstack([right, left])
        left, right = compress_columns(left, right)
        # The scorer keeps the compressed copy; the encoding's would only double the memory.
        self.encoding = encoding = replace(
            encoding, linear_left=np.zeros((n_left, 0), np.float32),
            linear_right=np.zeros((n_right, 0), np.float32))
        # Full matrices score pair by pair; blocks use the split by density.
        self._left = np.ascontiguousarray(left, dtype=np.float32)
        self._right = np.ascontiguousarray(right, dtype=np.float32)
        self._linear = SplitLeft.of(self._left)
        linear_right = self._linear.right(self._right)
        clip_right: SplitRight | None = None
        clipped = encoding.clipped
        self._blocked: tuple[npt.NDArray[np.intp], list[npt.NDArray[np.intp]]] | None = None
        self._clip_scale = 0.0
        if clipped is not None and clipped.clip_at is not None:
            # Overlaps are whole hours, exact in float32 whatever the summation order, so blocks
            # and pair-by-pair scores agree; the weight share multiplies after the cap.
            self._clip_scale = clipped.weight / encoding.total_weight / clipped.clip_at
            self._clip_left, self._clip_right = compress_columns(clipped.left, clipped.right)
            self._clip_cap = np.float32(clipped.clip_at)
            self._clip = SplitLeft.of(self._clip_left)
            clip_right = self._clip.right(self._clip_right)
        if encoding.mask_left is not None and encoding.mask_right is not None:
            # A constant column moves the threshold into the product: a pair is allowed where
            # the gate is positive (values are whole numbers, the threshold ends in .5).
            self._gate_left, self._gate_right = compress_columns(
                np.hstack([encoding.mask_left,
                           np.full((n_left, 1), -encoding.mask_threshold, np.float32)]),
                np.hstack([encoding.mask_right, np.ones((n_right, 1), np.float32)]))
            self._gate_right_t = np.ascontiguousarray(self._gate_right.T)
            self._blocked = _blocked_columns(self._gate_left, self._gate_right)
        self._scratch = threading.local()
        self._all_columns = _Columns(None, None, linear_right, clip_right, self._required_t)
        # Per language / time-zone pattern of rows, the columns it may meet (the rest are -inf):
        # the candidate stream and the proof score only those.
        self._allowed: list[IntArray] | None = None
        if self._blocked is not None:
            everything = np.arange(n_right)
            self._allowed = [np.setdiff1d(everything, blocked, assume_unique=True)
                             for blocked in self._blocked[1]]
        self._pattern_columns: OrderedDict[int, _Columns] = OrderedDict()
        self._pattern_lock = threading.Lock()

    @property
    def rows_per_block(self) -> int:
        """Return how many rows one dense block of all columns holds (at most 32 MB of float32).

        Small spaces still get a few blocks per scoring thread, so both threads stay busy.
        """
        return self._rows_per_block(self.n_right, self.n_left)

    def _rows_per_block(self, width: int, n_rows: int) -> int:
        """Return rows per block of ``width`` columns when ``n_rows`` rows are scored."""
        spread = -(-n_rows // (4 * SCORING_THREADS))
        return max(1, min(BLOCK_CELLS // max(width, 1), max(spread, MIN_BLOCK_ROWS)))

    def _buffer(self, name: str, n_rows: int, n_cols: int) -> npt.NDArray[np.float32]:
        """Return this thread's scratch array ``name`` of ``n_rows`` × ``n_cols``.

        Reused block after block: a fresh 32 MB array costs page faults on every block.
        """
        cells = n_rows * n_cols
        held: npt.NDArray[np.float32] | None = getattr(self._scratch, name, None)
        if held is None or held.size < cells:
            held = np.empty(cells, dtype=np.float32)
            setattr(self._scratch, name, held)
        return held[:cells].reshape(n_rows, n_cols)

    def _columns(self, pattern: int | None) -> _Columns:
        """Return the right-hand matrices of the columns rows of ``pattern`` may meet (all
        columns for ``None``), gathered once and kept while blocks of the pattern stream by."""
        if pattern is None or self._allowed is None:
            return self._all_columns
        with self._pattern_lock:
            held = self._pattern_columns.get(pattern)
            if held is None:
                cols = self._allowed[pattern]
                position = np.full(self.n_right, -1, dtype=np.int64)
                position[cols] = np.arange(len(cols))
                everything = self._all_columns
                held = _Columns(
                    cols, position, everything.right.columns(cols),
                    None if everything.clip_right is None else everything.clip_right.columns(cols),
                    [np.ascontiguousarray(right_t[:, cols]) for right_t in self._required_t])
                self._pattern_columns[pattern] = held
                # Blocks stream pattern by pattern: each thread needs one at a time.
                while len(self._pattern_columns) > SCORING_THREADS:
                    self._pattern_columns.popitem(last=False)
            return held

    def _scores(self, rows: slice | IntArray, columns: _Columns, *, reuse: bool,
                ) -> npt.NDArray[np.float32]:
        """Return the float32 scores of ``rows`` × ``columns``, ``-inf`` where a sparse or a
        required-factor constraint forbids the pair; the language / time-zone gate is not
        applied (callers either pass only columns the rows may meet, or apply it after)."""
        n_rows = len(range(self.n_left)[rows]) if isinstance(rows, slice) else len(rows)
        n_cols = columns.right.width
        scores = self._linear.product(
            rows, columns.right, self._buffer("scores", n_rows, n_cols) if reuse else None)
        if columns.clip_right is not None:
            overlap = self._clip.product(rows, columns.clip_right,
                                         self._buffer("overlap", n_rows, n_cols))
            np.minimum(overlap, self._clip_cap, out=overlap)
            overlap *= np.float32(self._clip_scale)
            scores += overlap
        if isinstance(rows, slice):
            start, stop, _ = rows.indices(self.n_left)
            bonus = self.bonus.in_range(start, stop)
            forbidden = self.forbidden.in_range(start, stop)
        else:
            bonus = self.bonus.in_rows(rows)
            forbidden = self.forbidden.in_rows(rows)
        if columns.position is not None:
            bonus, forbidden = _local(bonus, columns.position), _local(forbidden, columns.position)
        scores[bonus[0], bonus[1]] += (bonus[2] * self.bonus_share).astype(np.float32)
        # Factors are in [0, 1] so the weighted mean is too; only the choices bonus can push a
        # float32 sum a hair above 1.
        np.minimum(scores, np.float32(1.0), out=scores)
        scores[forbidden[0], forbidden[1]] = -np.inf
        for (required_left, _), required_right_t in zip(self._required, columns.required_t,
                                                          strict=True):
            value = required_left[rows] @ required_right_t
            np.copyto(scores, np.float32(-np.inf), where=value <= REQUIRED_ZERO)
        if self.require_bonus:
            chosen = np.zeros(scores.shape, dtype=np.bool_)
            chosen[bonus[0], bonus[1]] = True
            np.copyto(scores, np.float32(-np.inf), where=~chosen)
        return scores

    def block(self, rows: slice | IntArray, *, reuse: bool = False) -> npt.NDArray[np.float32]:
        """Return the float32 scores of ``rows`` × all columns, ``-inf`` where not allowed.

        With ``reuse`` the result lives in this thread's scratch memory and is overwritten by
        the thread's next ``reuse`` call (the candidate stream reads each block once).
        """
        scores = self._scores(rows, self._all_columns, reuse=reuse)
        if self._blocked is not None:
            # Few language / time-zone patterns: write -inf into the columns each pattern of
            # rows may not meet, instead of a product over the whole block.
            row_pattern, blocked = self._blocked
            patterns = row_pattern[rows]
            for pattern in np.unique(patterns).tolist():
                if blocked[pattern].size:
                    scores[np.ix_(np.flatnonzero(patterns == pattern), blocked[pattern])] = -np.inf
        elif self.encoding.mask_left is not None:
            n_rows = scores.shape[0]
            gate = np.matmul(self._gate_left[rows], self._gate_right_t,
                             out=self._buffer("gate", n_rows, self.n_right))
            gate *= np.float32(np.inf)  # never 0: whole numbers minus a threshold ending in .5
            np.minimum(gate, np.float32(1.0), out=gate)
            np.minimum(scores, gate, out=scores)
        return scores

    def _tasks(self, rows: IntArray) -> list[tuple[IntArray, int | None]]:
        """Split ``rows`` (sorted, distinct) into blocks to score.

        With few language / time-zone patterns, the rows of a pattern are scored on the columns
        they may meet when what that skips outweighs gathering those columns (each pattern's
        rows in their own blocks, in pattern order); the other rows, in runs against all
        columns, come last.
        """
        step = self._rows_per_block(self.n_right, len(rows))
        if self._allowed is None or self._blocked is None:
            return [(rows[start:start + step], None) for start in range(0, len(rows), step)]
        patterns = self._blocked[0][rows]
        order = np.argsort(patterns, kind="stable")
        bounds = np.searchsorted(patterns[order], np.arange(len(self._allowed) + 1))
        tasks: list[tuple[IntArray, int | None]] = []
        whole: list[IntArray] = []
        for pattern, cols in enumerate(self._allowed):
            members = rows[order[bounds[pattern]:bounds[pattern + 1]]]
            if not len(cols) or not len(members):
                continue  # rows that may meet no column have no pair to score
            if len(members) * (self.n_right - len(cols)) < PATTERN_GAIN * len(cols):
                whole.append(members)
                continue
            width_step = self._rows_per_block(len(cols), len(rows))
            tasks.extend((members[start:start + width_step], pattern)
                         for start in range(0, len(members), width_step))
        rest = np.sort(np.concatenate(whole)) if whole else np.zeros(0, np.int64)
        tasks.extend((rest[start:start + step], None) for start in range(0, len(rest), step))
        return tasks

    def _task_block(self, rows: IntArray, pattern: int | None,
                    ) -> tuple[npt.NDArray[np.float32], IntArray | None]:
        """Return the scratch block of a task and its columns (``None``: all columns)."""
        if pattern is None:
            if len(rows) and rows[-1] - rows[0] + 1 == len(rows):
                return self.block(slice(int(rows[0]), int(rows[-1]) + 1), reuse=True), None
            return self.block(rows, reuse=True), None
        columns = self._columns(pattern)
        return self._scores(rows, columns, reuse=True), columns.cols

    def column_floor(self, k: int) -> npt.NDArray[np.float32]:
        """Return, per column, a score above which about ``RESERVE_COLUMN_SHARE`` of its pairs lie.

        Read from evenly spaced sample rows; with every row sampled it is at most the column's
        ``k``-th best. Any value is sound (pairs below it stay bounded by it); a good one keeps
        the reserve small and the proof's re-scoring rare.
        """
        n_sample = min(self.n_left, COLUMN_SAMPLE_ROWS)
        if not n_sample or not self.n_right:
            return np.full(self.n_right, -np.inf, dtype=np.float32)
        sample = np.unique(np.linspace(0, self.n_left - 1, n_sample).round().astype(np.int64))
        n_sample = len(sample)
        rank = max(int(np.ceil(RESERVE_COLUMN_SHARE * n_sample)),
                   k if n_sample == self.n_left else 1)
        rank = min(rank, n_sample)
        step = self.rows_per_block
        scores = np.vstack([self.block(sample[start:start + step])
                            for start in range(0, n_sample, step)])
        floor: npt.NDArray[np.float32] = np.partition(scores, n_sample - rank, axis=0)[
            n_sample - rank]
        return floor

    def candidates(self, k: int, *, reserve: bool = True) -> CandidateSet:
        """Stream all pairs once; keep each row's and column's top ``k``, a reserve and bounds.

        The reserve holds every other pair at or above its row's floor (about its ``k``-th best
        of a column sample) or its column's floor (:meth:`column_floor`); the bounds are those
        floors, so the proof re-scores only the rows the reserve and floors cannot settle.
        Without ``reserve`` (ranked lists need none) the bounds are the ``k``-th best scores.
        """
        pieces: list[tuple[IntArray, IntArray, npt.NDArray[np.float32]]] = []
        kept: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.int32],
                         npt.NDArray[np.float32]]] = []
        column_best = ColumnTopK(k, self.n_right)
        col_floor = (self.column_floor(k) if reserve
                     else np.full(self.n_right, np.inf, dtype=np.float32))
        row_bound = np.full(self.n_left, -np.inf)
        row_rank = max(RESERVE_ROW_RANK, min(RESERVE_ROW_RANK_MAX, self.n_right // 8,
                                             RESERVE_ROW_PAIRS // max(self.n_left, 1))
                       ) if reserve else k

        def score(task: tuple[IntArray, int | None]) -> tuple[IntArray, IntArray | None,
                                                              _Selection]:
            rows, pattern = task
            block, cols = self._task_block(rows, pattern)
            return rows, cols, select_block(block, k,
                                            col_floor if cols is None else col_floor[cols],
                                            row_rank)

        # Blocks are scored in parallel but merged in order.
        for rows, cols, (top, rest, row_floor) in _in_threads(score,
                                                             self._tasks(np.arange(self.n_left))):
            top = (rows[top[0]], top[1] if cols is None else cols[top[1]], top[2])
            rest = (rows[rest[0]], rest[1] if cols is None else cols[rest[1]], rest[2])
            for part_rows, part_cols, part_values in (top, rest):
                column_best.add_entries(part_rows, part_cols, part_values)
            pieces.append(top)
            if reserve:
                row_bound[rows] = row_floor
                kept.append((rest[0].astype(np.int32), rest[1].astype(np.int32), rest[2]))
            else:
                # The k-th best of a row with k kept bounds everything else in it (top entries
                # come sorted by row, then descending score).
                counts = np.bincount(np.searchsorted(rows, top[0]), minlength=len(rows))
                full = np.flatnonzero(counts >= k)
                row_bound[rows[full]] = top[2][np.cumsum(counts)[full] - 1]
        best_rows, best_cols, best_values, kth_of_column = column_best.result()
        pieces.append((best_rows, best_cols, best_values))
        rows = np.concatenate([p[0] for p in pieces])
        cols = np.concatenate([p[1] for p in pieces])
        all_scores = np.concatenate([p[2] for p in pieces]).astype(np.float64)
        keep = np.isfinite(all_scores)
        keys, first = np.unique(rows[keep] * np.int64(self.n_right) + cols[keep],
                                return_index=True)
        return CandidateSet(
            keys // self.n_right, keys % self.n_right, all_scores[keep][first], row_bound,
            col_floor.astype(np.float64) if reserve else kth_of_column,
            np.concatenate([r[0] for r in kept]) if kept else np.zeros(0, np.int32),
            np.concatenate([r[1] for r in kept]) if kept else np.zeros(0, np.int32),
            np.concatenate([r[2] for r in kept]) if kept else np.zeros(0, np.float32))

    def pair_scores(self, rows: IntArray, cols: IntArray) -> FloatArray:
        """Return the scores of the pairs ``(rows[p], cols[p])``, ``-inf`` where not allowed.

        The same arithmetic as :meth:`block`, pair by pair (float32; may differ from the block
        in the last bit). Many pairs are scored in both threads.
        """
        out = np.empty(len(rows), dtype=np.float64)
        # Chunks small enough that the gathered rows stay in cache.
        starts = range(0, len(rows), 8192)

        def score(start: int) -> None:
            self._score_pairs(rows[start:start + 8192], cols[start:start + 8192],
                              out[start:start + 8192])

        for _ in _in_threads(score, starts):
            pass
        return out

    def _score_pairs(self, r: IntArray, c: IntArray, out: FloatArray) -> None:
        encoding = self.encoding
        scores = np.einsum("pd,pd->p", self._left[r], self._right[c])
        if self._clip_scale and encoding.clipped is not None:
            overlap = np.einsum("pd,pd->p", self._clip_left[r], self._clip_right[c])
            scores += np.minimum(overlap, self._clip_cap) * np.float32(self._clip_scale)
        scores = scores.astype(np.float64)
        if self.bonus.rows.size:
            scores += (self.bonus.lookup(r, c, self.n_right) * self.bonus_share).astype(
                np.float32)
        scores = np.minimum(scores, 1.0)
        if encoding.mask_left is not None and encoding.mask_right is not None:
            gate = np.einsum("pd,pd->p", self._gate_left[r], self._gate_right[c])
            scores[gate < 0] = -np.inf
        if self.forbidden.rows.size:
            scores[self.forbidden.lookup(r, c, self.n_right) > 0] = -np.inf
        for required_left, required_right in self._required:
            value = np.einsum("pd,pd->p", required_left[r], required_right[c])
            scores[value <= REQUIRED_ZERO] = -np.inf
        if self.require_bonus:
            scores[self.bonus.lookup(r, c, self.n_right) <= 0] = -np.inf
        out[:] = scores

    def score_rows(self, rows: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
        """Return every allowed pair of ``rows`` with its score."""
        rows = np.asarray(rows, np.int64)
        return self.pairs_above(rows, np.full(len(rows), -np.inf), np.zeros(self.n_right))

    def pairs_above(self, rows: IntArray, row_floor: FloatArray, col_floor: FloatArray,
                    ) -> tuple[IntArray, IntArray, FloatArray]:
        """Return the allowed pairs of ``rows`` scoring more than ``row_floor + col_floor``."""
        rows, first = np.unique(np.asarray(rows, np.int64), return_index=True)
        row_floor = np.asarray(row_floor, np.float64)[first]
        col_floor = np.asarray(col_floor, np.float64)

        def read(task: tuple[IntArray, int | None]) -> tuple[IntArray, IntArray, FloatArray]:
            chunk, pattern = task
            block, cols = self._task_block(chunk, pattern)
            chunk_floor = row_floor[np.searchsorted(rows, chunk)]  # rows are sorted, distinct
            cols_floor = col_floor if cols is None else col_floor[cols]
            found: list[tuple[IntArray, IntArray, FloatArray]] = []
            # float64: the floors carry the large cardinality bonus of the dual prices; slabs of
            # rows keep the float64 floors small enough to stay in cache.
            for slab in range(0, len(chunk), 32):
                end = min(slab + 32, len(chunk))
                floor = chunk_floor[slab:end, None] + cols_floor[None, :]
                local, at = np.nonzero(block[slab:end] > floor)
                found.append((chunk[slab + local],
                              at.astype(np.int64) if cols is None else cols[at],
                              block[slab + local, at].astype(np.float64)))
            return (np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found]),
                    np.concatenate([f[2] for f in found]))

        parts = list(_in_threads(read, self._tasks(rows)))
        if not parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
                np.concatenate([p[2] for p in parts]))

    def factor_values(self, rows: IntArray, cols: IntArray) -> dict[str, FloatArray]:
        """Return each factor's value in [0, 1] for the pairs ``(rows[p], cols[p])``."""
        values: dict[str, FloatArray] = {}
        for block in self.encoding.blocks:
            forward = block.values(rows, cols)
            if self.symmetric:
                forward = (forward + block.values(cols, rows)) / 2
            values[block.name] = forward
        if self.bonus.rows.size:
            values["choices"] = self.bonus.lookup(rows, cols, self.n_right)
        return values

    def factor_weights(self) -> Sequence[tuple[str, float]]:
        """Return ``(factor, weight share)`` for every scored factor."""
        shares = [(b.name, b.weight / self.encoding.total_weight) for b in self.encoding.blocks]
        if self.bonus_share:
            shares.append(("choices", self.bonus_share))
        return shares
