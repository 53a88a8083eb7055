"""Bootstrap confidence interval for Krippendorff's alpha, resampling items.

Items are resampled with replacement. Alpha depends on a resample only through
the summed per-item coincidence matrices, so identical count rows are collapsed
into patterns and each replicate draws pattern multiplicities from one
multinomial: the same distribution as resampling items, at a fraction of the cost.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from review.metrics.alpha import Level, difference_matrix, ordinal_differences
from review.metrics.results import NO_ITEMS, Metric
from review.metrics.tables import FloatArray, IntArray

DEFAULT_REPLICATES = 1000
DEFAULT_SEED = 20260101
PATTERN_CHUNK = 2048


def distinct_rows(rows: IntArray) -> tuple[IntArray, IntArray]:
    """Distinct count rows and their frequencies.

    When a row fits one int64 in base (max count + 1), rows are encoded as
    single integers: a 1-D unique is several times faster than unique(axis=0).
    """
    base = int(rows.max(initial=0)) + 1
    if rows.shape[1] * np.log2(max(base, 2)) >= 62:
        return np.unique(rows, axis=0, return_counts=True)
    weights = base ** np.arange(rows.shape[1], dtype=np.int64)
    _, first, freq = np.unique(rows @ weights, return_index=True, return_counts=True)
    return rows[first], freq


def _pattern_coincidences(patterns: IntArray) -> FloatArray:
    """Per-pattern coincidence matrices, flattened to (n_patterns, K*K)."""
    rows = patterns.astype(np.float64)
    weights = 1.0 / (rows.sum(axis=1) - 1.0)
    outer = rows[:, :, None] * rows[:, None, :]
    idx = np.arange(rows.shape[1])
    outer[:, idx, idx] -= rows
    flat: FloatArray = (outer * weights[:, None, None]).reshape(len(rows), -1)
    return flat


def _replicate_coincidences(patterns: IntArray, draws: IntArray) -> FloatArray:
    """Sum pattern coincidences weighted by the drawn multiplicities, chunked for memory."""
    n_values = patterns.shape[1]
    total = np.zeros((draws.shape[0], n_values * n_values))
    for start in range(0, len(patterns), PATTERN_CHUNK):
        chunk = slice(start, start + PATTERN_CHUNK)
        total += draws[:, chunk].astype(np.float64) @ _pattern_coincidences(patterns[chunk])
    return total.reshape(draws.shape[0], n_values, n_values)


def _replicate_alphas(o: FloatArray, level: Level, scale: FloatArray | IntArray) -> FloatArray:
    """Alpha for each stacked coincidence matrix (B, K, K); NaN where undefined."""
    marginals = o.sum(axis=2)
    totals = marginals.sum(axis=1)
    if level == "ordinal":
        delta = ordinal_differences(marginals)
    else:
        delta = np.broadcast_to(difference_matrix(level, scale), o.shape)
    observed = (o * delta).sum(axis=(1, 2))
    expected = np.einsum("bi,bij,bj->b", marginals, delta, marginals) / (totals - 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1.0 - observed / expected, np.nan)


def alpha_bootstrap_ci(
    counts: IntArray,
    level: Level = "nominal",
    scale: npt.ArrayLike | None = None,
    *,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
    confidence: float = 0.95,
) -> tuple[Metric, Metric]:
    """Percentile bootstrap interval (low, high) for alpha over items.

    Deterministic for a given ``seed``. Replicates where alpha is undefined
    (a resample without variation) are dropped; if fewer than half remain the
    interval is undefined.
    """
    totals = counts.sum(axis=1)
    rows = counts[totals >= 2]
    if len(rows) < 2:
        return Metric.undefined(NO_ITEMS), Metric.undefined(NO_ITEMS)
    patterns, freq = distinct_rows(rows)
    return patterns_bootstrap_ci(
        patterns, freq, level, scale, replicates=replicates, seed=seed, confidence=confidence
    )


def pattern_order(rows: IntArray, freq: IntArray) -> tuple[IntArray, IntArray]:
    """Distinct pairable rows (with their frequencies) in the order ``distinct_rows`` gives them.

    The bootstrap's draws depend on that order, so a caller holding patterns from elsewhere
    (the stored report statistics) gets the byte-identical interval by sorting them here.
    """
    base = int(rows.max(initial=0)) + 1
    if rows.shape[1] * np.log2(max(base, 2)) >= 62:
        order = np.lexsort(rows.T[::-1])
    else:
        order = np.argsort(rows @ (base ** np.arange(rows.shape[1], dtype=np.int64)), kind="stable")
    return rows[order], freq[order]


def patterns_bootstrap_ci(
    patterns: IntArray,
    freq: IntArray,
    level: Level = "nominal",
    scale: npt.ArrayLike | None = None,
    *,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
    confidence: float = 0.95,
) -> tuple[Metric, Metric]:
    """``alpha_bootstrap_ci`` from distinct pairable rows and their item frequencies."""
    n_rows = int(freq.sum())
    if n_rows < 2:
        return Metric.undefined(NO_ITEMS), Metric.undefined(NO_ITEMS)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n_rows, freq / freq.sum(), size=replicates)
    scale_values = np.arange(patterns.shape[1]) if scale is None else np.asarray(scale, float)
    alphas = _replicate_alphas(_replicate_coincidences(patterns, draws), level, scale_values)
    alphas = alphas[np.isfinite(alphas)]
    if len(alphas) < replicates / 2:
        reason = "too few resamples with variation"
        return Metric.undefined(reason), Metric.undefined(reason)
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(alphas, [tail, 100.0 - tail])
    return Metric.of(low), Metric.of(high)
