"""Count tables built from long-form annotations (one row per annotation)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def count_table(
    items: npt.ArrayLike, codes: npt.ArrayLike, n_items: int, n_values: int
) -> IntArray:
    """Return the item-by-value count matrix N (n_items x n_values).

    ``N[u, c]`` is how many annotations of item ``u`` carry value code ``c``.
    Codes are integers in ``[0, n_values)``; rows with a negative code are
    treated as missing and skipped.
    """
    items_arr = np.asarray(items, dtype=np.int64)
    codes_arr = np.asarray(codes, dtype=np.int64)
    keep = codes_arr >= 0
    flat = items_arr[keep] * n_values + codes_arr[keep]
    counts = np.bincount(flat, minlength=n_items * n_values)
    table: IntArray = counts.reshape(n_items, n_values)
    return table


def pairable(counts: IntArray) -> IntArray:
    """Return the rows of ``counts`` for items with two or more values."""
    rows: IntArray = counts[counts.sum(axis=1) >= 2]
    return rows


def dense_codes(values: npt.ArrayLike) -> tuple[IntArray, npt.NDArray[np.generic]]:
    """Map arbitrary values to dense codes 0..K-1; return (codes, sorted domain)."""
    domain, codes = np.unique(np.asarray(values), return_inverse=True)
    return codes.astype(np.int64), domain
