"""Agreement for multi-label annotations (each annotation is a set of labels).

Two views: per label, present/absent binary alpha; and alpha over whole sets
with a set distance, Jaccard or MASI (Passonneau 2006), used as the difference
function delta in Krippendorff's alpha.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from review.metrics.alpha import alpha_from_coincidences, coincidences
from review.metrics.results import Metric
from review.metrics.tables import FloatArray, IntArray, count_table

SetDistance = Literal["jaccard", "masi"]


def set_codes(indicators: npt.ArrayLike) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Code each annotation's label set; return (codes, distinct sets as a boolean matrix)."""
    matrix = np.asarray(indicators, dtype=bool)
    domain, codes = np.unique(matrix, axis=0, return_inverse=True)
    return codes.reshape(-1).astype(np.int64), domain


def set_distances(domain: npt.NDArray[np.bool_], distance: SetDistance) -> FloatArray:
    """Distance between every two distinct sets: 1 - Jaccard, or 1 - Jaccard x MASI monotonicity.

    Two empty sets are identical (distance 0). MASI's monotonicity weight is
    1 for equal sets, 2/3 when one contains the other, 1/3 when they overlap,
    0 when disjoint.
    """
    sets = domain.astype(np.float64)
    inter = sets @ sets.T
    sizes = sets.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - inter
    jaccard = np.where(union > 0, inter / np.where(union > 0, union, 1.0), 1.0)
    if distance == "jaccard":
        return 1.0 - jaccard
    equal = inter == union
    subset = (inter == sizes[:, None]) | (inter == sizes[None, :])
    weight = np.select([equal, subset, inter > 0], [1.0, 2.0 / 3.0, 1.0 / 3.0], default=0.0)
    distances: FloatArray = 1.0 - jaccard * weight
    return distances


def set_alpha(
    items: npt.ArrayLike, indicators: npt.ArrayLike, n_items: int, distance: SetDistance
) -> Metric:
    """Krippendorff's alpha over label sets with the Jaccard or MASI distance."""
    codes, domain = set_codes(indicators)
    counts = count_table(items, codes, n_items, len(domain))
    return alpha_from_coincidences(coincidences(counts), set_distances(domain, distance))


def label_presence_counts(
    items: npt.ArrayLike, indicators: npt.ArrayLike, n_items: int
) -> tuple[IntArray, IntArray]:
    """Per item and label, how many annotations include the label; plus annotations per item."""
    matrix = np.asarray(indicators, dtype=np.int64)
    it = np.asarray(items, dtype=np.int64)
    present = np.stack(
        [np.bincount(it, weights=matrix[:, j], minlength=n_items) for j in range(matrix.shape[1])],
        axis=1,
    )
    return present.astype(np.int64), np.bincount(it, minlength=n_items)


def presence_table(present: IntArray, totals: IntArray, label: int) -> IntArray:
    """Two-column (absent, present) count table for one label, for binary alpha."""
    return np.stack([totals - present[:, label], present[:, label]], axis=1)


def multi_label_majority(
    present: IntArray, totals: IntArray
) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    """Per item and label: present in the aggregate when more than half the annotations include it.

    A tie (exactly half) leaves the label out: an aggregate should not assert
    a label half the annotators rejected. Confidence is the mean, over labels,
    of the share of annotations agreeing with the decision (NaN when unlabelled).
    """
    safe = np.maximum(totals, 1)[:, None]
    decided = present * 2 > totals[:, None]
    agreeing = np.where(decided, present, totals[:, None] - present) / safe
    confidence = np.where(totals > 0, agreeing.mean(axis=1) if present.shape[1] else np.nan, np.nan)
    return decided, confidence
