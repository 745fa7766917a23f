"""Products of factor matrices split by density: dense columns in one BLAS product, the rest
as a sparse matrix (one scaled right-hand row added per non-zero).

Most factor columns are one-hot or nearly so — a skill wanted at a level, a weekly hour free,
a goal tag — while a few (constants, text vectors, seniority) are dense. On the benchmark
population 166 of the 256 linear columns hold 2.4 non-zeros per row between them and every
availability column is sparse (5.8 per row of 124), so a 400 × 20,000 block costs 22 ms
instead of 46 ms for the linear factors and 9 ms instead of 25 ms for availability.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

try:  # SciPy's in-place kernel behind ``csr @ dense``: no zeroed result to allocate and add.
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # pragma: no cover - only if SciPy moves it; the public product is used
    _csr_matvecs = None

__all__ = ["SPARSE_DENSITY", "SplitLeft", "SplitRight"]

Float32Matrix = npt.NDArray[np.float32]
#: A left-hand column with at most this share of non-zero values is multiplied sparsely. An
#: added right-hand row costs about a tenth of what a column costs in the dense product.
SPARSE_DENSITY = 0.1


@dataclass(frozen=True)
class SplitRight:
    """The right-hand side (transposed: factor columns × mentors) split like its left side."""

    dense_t: Float32Matrix
    sparse_t: Float32Matrix

    @property
    def width(self) -> int:
        """Return the number of right-hand rows (mentors) it holds."""
        return int(self.dense_t.shape[1])

    def columns(self, cols: npt.NDArray[np.intp]) -> SplitRight:
        """Return the same for the mentors ``cols`` only."""
        return SplitRight(np.ascontiguousarray(self.dense_t[:, cols]),
                          np.ascontiguousarray(self.sparse_t[:, cols]))


@dataclass(frozen=True)
class SplitLeft:
    """A left-hand matrix split into its dense columns and its sparse ones (CSR).

    Examples
    --------
    >>> left = np.array([[1, 0, 2], [1, 0, 0], [1, 3, 0], [1, 0, 0]], dtype=np.float32)
    >>> right = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32)
    >>> split = SplitLeft.of(left, density=0.5)
    >>> split.dense.shape, split.sparse.shape
    ((4, 1), (4, 2))
    >>> out = np.empty((4, 2), dtype=np.float32)
    >>> bool(np.array_equal(split.product(slice(0, 4), split.right(right), out), left @ right.T))
    True
    """

    dense: Float32Matrix
    sparse: sp.csr_matrix
    dense_columns: npt.NDArray[np.intp]
    sparse_columns: npt.NDArray[np.intp]

    @classmethod
    def of(cls, left: Float32Matrix, density: float = SPARSE_DENSITY) -> SplitLeft:
        """Split ``left`` (rows × factor columns) by each column's share of non-zeros."""
        share = np.count_nonzero(left, axis=0) / max(len(left), 1)
        sparse = share <= density
        dense_columns, sparse_columns = np.flatnonzero(~sparse), np.flatnonzero(sparse)
        return cls(np.ascontiguousarray(left[:, dense_columns], dtype=np.float32),
                   sp.csr_matrix(np.asarray(left[:, sparse_columns], dtype=np.float32)),
                   dense_columns, sparse_columns)

    def right(self, right: Float32Matrix) -> SplitRight:
        """Return the matching split of ``right`` (mentors × factor columns)."""
        return SplitRight(np.ascontiguousarray(right[:, self.dense_columns].T, dtype=np.float32),
                          np.ascontiguousarray(right[:, self.sparse_columns].T,
                                               dtype=np.float32))

    def product(self, rows: slice | npt.NDArray[np.intp], right: SplitRight,
                out: Float32Matrix | None = None) -> Float32Matrix:
        """Return ``left[rows] @ right`` (written into ``out`` when given, C-contiguous)."""
        dense = self.dense[rows]
        if out is None:
            out = np.empty((dense.shape[0], right.width), dtype=np.float32)
        elif not out.flags.c_contiguous or out.shape != (dense.shape[0], right.width):
            # The in-place kernel below trusts the buffer's layout: check it here.
            raise ValueError(f"out must be C-contiguous of shape {(dense.shape[0], right.width)}")
        if dense.shape[1]:
            np.matmul(dense, right.dense_t, out=out)
        else:
            out.fill(0)
        if right.sparse_t.shape[0]:
            part = self.sparse[rows]
            if _csr_matvecs is not None:
                # out += part @ sparse_t, row by row (each output row stays in cache).
                _csr_matvecs(part.shape[0], part.shape[1], right.width, part.indptr,
                             part.indices, part.data, right.sparse_t.ravel(), out.ravel())
            else:
                out += part @ right.sparse_t
        return out
