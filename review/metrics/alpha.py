"""Krippendorff's alpha from count tables, vectorised.

Follows Krippendorff (2011), "Computing Krippendorff's alpha-reliability":
alpha = 1 - D_o / D_e, computed from the coincidence matrix o of pairable
values. Items with fewer than two values carry no pairs and drop out.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from review.metrics.results import NO_ITEMS, NO_VARIATION, Metric
from review.metrics.tables import FloatArray, IntArray

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")


def coincidences(counts: IntArray) -> FloatArray:
    """Return the K x K coincidence matrix of an item-by-value count table.

    o[c, k] = sum over items u with m_u >= 2 of (n_uc n_uk - [c == k] n_uc) / (m_u - 1).
    One matrix product instead of a per-item K x K tensor keeps memory at O(K^2).
    """
    totals = counts.sum(axis=1)
    rows = counts[totals >= 2].astype(np.float64)
    weights = 1.0 / (totals[totals >= 2] - 1.0)
    weighted = rows * weights[:, None]
    coincidences: FloatArray = weighted.T @ rows - np.diag(weighted.sum(axis=0))
    return coincidences


def difference_matrix(
    level: Level, scale: npt.ArrayLike, marginals: FloatArray | None = None
) -> FloatArray:
    """Return the squared-difference matrix delta^2[c, k] for a level of measurement.

    ``scale`` holds the numeric value of each code, in order (used by interval
    and ratio; ordinal uses only the order and the pairable ``marginals`` n_c).
    """
    values = np.asarray(scale, dtype=np.float64)
    if level == "nominal":
        return 1.0 - np.eye(len(values))
    if level == "interval":
        return (values[:, None] - values[None, :]) ** 2
    if level == "ratio":
        sums = values[:, None] + values[None, :]
        diffs = values[:, None] - values[None, :]
        safe = np.where(sums == 0, 1.0, sums)
        return np.where(sums == 0, 0.0, diffs / safe) ** 2
    if marginals is None:
        raise ValueError("ordinal differences need the pairable marginals")
    return ordinal_differences(marginals)


def ordinal_differences(marginals: npt.ArrayLike) -> FloatArray:
    """Ordinal delta^2[c, k] = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2; works on stacked marginals.

    ``marginals`` is (..., K); the result is (..., K, K).
    """
    n = np.asarray(marginals, dtype=np.float64)
    cum = np.cumsum(n, axis=-1)
    low = np.minimum.outer(np.arange(n.shape[-1]), np.arange(n.shape[-1]))
    high = np.maximum.outer(np.arange(n.shape[-1]), np.arange(n.shape[-1]))
    between = cum[..., high] - cum[..., low] + n[..., low]
    half = (n[..., :, None] + n[..., None, :]) / 2.0
    return (between - half) ** 2


def alpha_from_coincidences(o: FloatArray, delta: FloatArray) -> Metric:
    """Alpha from a coincidence matrix and a difference matrix; None when undefined.

    Undefined when there are no pairable values (no item with two labels) or
    when all pairable values are equal (expected disagreement D_e is zero).
    """
    marginals = o.sum(axis=1)
    total = marginals.sum()
    if total < 2:
        return Metric.undefined(NO_ITEMS)
    expected = (marginals @ delta @ marginals) / (total - 1.0)
    if expected <= 0:
        return Metric.undefined(NO_VARIATION)
    observed = float((o * delta).sum())
    return Metric.of(1.0 - observed / expected)


def krippendorff_alpha(
    counts: IntArray, level: Level = "nominal", scale: npt.ArrayLike | None = None
) -> Metric:
    """Krippendorff's alpha for an item-by-value count table at ``level``.

    ``scale`` gives the numeric value of each column (default 0..K-1); the
    columns must be in scale order for ordinal data. Missing values are simply
    absent from the counts. Returns Metric(None, reason) when undefined.
    """
    n_values = counts.shape[1]
    scale_values = np.arange(n_values) if scale is None else np.asarray(scale)
    o = coincidences(counts)
    delta = difference_matrix(level, scale_values, o.sum(axis=1))
    return alpha_from_coincidences(o, delta)
