"""Sparse item x (annotator, label) incidence matrix shared by the EM aggregators.

Dawid-Skene and MACE both need, per iteration, sums over an item's labels of
a quantity that depends only on (annotator, given label, true class). Grouping
rows by (annotator, label) turns those sums into one sparse product, M @ L,
and the M-step counts into M.T @ posteriors, instead of K bincounts per step.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import sparse


def incidence_matrix(
    items: npt.ArrayLike,
    annotators: npt.ArrayLike,
    codes: npt.ArrayLike,
    *,
    n_items: int,
    n_annotators: int,
    n_classes: int,
) -> sparse.csr_matrix:
    """M[i, a * K + v] = how many times annotator a gave label v to item i (repeats add up)."""
    it = np.asarray(items, dtype=np.int64)
    column = np.asarray(annotators, dtype=np.int64) * n_classes + np.asarray(codes, dtype=np.int64)
    data = np.ones(len(it), dtype=np.float64)
    shape = (n_items, n_annotators * n_classes)
    matrix = sparse.csr_matrix((data, (it, column)), shape=shape)
    matrix.sum_duplicates()
    return matrix
