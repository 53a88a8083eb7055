"""Chance-corrected agreement coefficients: Cohen (pairs), Fleiss, Gwet's AC1.

Fleiss' kappa and AC1 follow Gwet (2014), *Handbook of Inter-Rater
Reliability*, 4th ed., ch. 2 and 4: with a varying number of raters per item,
observed agreement averages over items with two or more ratings, and the
category shares pi_k average r_ik / r_i over all rated items. With a constant
number of raters this is exactly Fleiss (1971).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from review.metrics.results import NO_ITEMS, NO_VARIATION, Metric
from review.metrics.tables import FloatArray, IntArray

Weighting = Literal["linear", "quadratic"]


def _observed_agreement(counts: IntArray) -> float | None:
    """Mean share of agreeing ordered pairs over items with 2+ ratings (None if none)."""
    totals = counts.sum(axis=1)
    keep = totals >= 2
    if not keep.any():
        return None
    rows, m = counts[keep].astype(np.float64), totals[keep].astype(np.float64)
    return float(((rows * (rows - 1)).sum(axis=1) / (m * (m - 1))).mean())


def _category_shares(counts: IntArray) -> FloatArray:
    """pi_k: the mean over rated items of the share of ratings in category k."""
    totals = counts.sum(axis=1)
    rated = totals >= 1
    shares: FloatArray = (counts[rated] / totals[rated, None]).mean(axis=0)
    return shares


def percent_agreement(counts: IntArray) -> Metric:
    """Mean share of agreeing label pairs over items with two or more labels."""
    observed = _observed_agreement(counts)
    return Metric.undefined(NO_ITEMS) if observed is None else Metric.of(observed)


def fleiss_kappa(counts: IntArray) -> Metric:
    """Fleiss' kappa (Gwet's generalisation for a varying number of raters per item).

    Undefined when no item has two ratings or when every rating falls in one
    category (chance agreement is 1).
    """
    observed = _observed_agreement(counts)
    if observed is None:
        return Metric.undefined(NO_ITEMS)
    chance = float((_category_shares(counts) ** 2).sum())
    if chance >= 1.0 - 1e-12:
        return Metric.undefined(NO_VARIATION)
    return Metric.of((observed - chance) / (1.0 - chance))


def gwet_ac1(counts: IntArray, n_categories: int | None = None) -> Metric:
    """Gwet's AC1: chance agreement sum_k pi_k (1 - pi_k) / (q - 1) over q declared categories.

    Stays defined when one label dominates (the rare-class case where kappa
    collapses). Undefined with no pairable item or fewer than two categories.
    """
    observed = _observed_agreement(counts)
    if observed is None:
        return Metric.undefined(NO_ITEMS)
    q = counts.shape[1] if n_categories is None else n_categories
    if q < 2:
        return Metric.undefined("fewer than two categories")
    shares = _category_shares(counts)
    chance = float((shares * (1.0 - shares)).sum() / (q - 1))
    return Metric.of((observed - chance) / (1.0 - chance))


@dataclass(frozen=True)
class PairTable:
    """Confusion matrices for every annotator pair that shares items.

    ``first[p] < second[p]`` are annotator indices; ``confusion[p, i, j]`` counts
    shared items where ``first`` chose code i and ``second`` chose code j.
    """

    first: IntArray
    second: IntArray
    confusion: IntArray
    n: IntArray  # shared items per pair


def within_item_pairs(
    items: npt.ArrayLike, annotators: npt.ArrayLike, codes: npt.ArrayLike
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """All pairs of annotations on the same item by two different annotators.

    Returns (first annotator, second annotator, first code, second code) with
    first < second. Sorting by (item, annotator) makes rows r and r + d belong
    to one item exactly when their item indices match, so pairs come from a
    few shifted comparisons instead of a Python loop over items.
    """
    it, an, co = (np.asarray(x, dtype=np.int64) for x in (items, annotators, codes))
    order = np.lexsort((an, it))
    it, an, co = it[order], an[order], co[order]
    max_per_item = int(np.bincount(it).max()) if len(it) else 0
    parts: list[tuple[IntArray, IntArray]] = []
    for shift in range(1, max_per_item):
        left = np.nonzero(it[:-shift] == it[shift:])[0]
        left = left[an[left] != an[left + shift]]
        parts.append((left, left + shift))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    left = np.concatenate([p[0] for p in parts])
    right = np.concatenate([p[1] for p in parts])
    return an[left], an[right], co[left], co[right]


def pair_table(
    items: npt.ArrayLike, annotators: npt.ArrayLike, codes: npt.ArrayLike, n_values: int
) -> PairTable:
    """Build the per-pair confusion matrices (only pairs that share an item)."""
    first, second, c1, c2 = within_item_pairs(items, annotators, codes)
    pair_keys = first * (int(second.max(initial=0)) + 1) + second
    unique_keys, inverse = np.unique(pair_keys, return_inverse=True)
    flat = (inverse * n_values + c1) * n_values + c2
    confusion = np.bincount(flat, minlength=len(unique_keys) * n_values * n_values)
    first_of = np.zeros(len(unique_keys), dtype=np.int64)
    second_of = np.zeros(len(unique_keys), dtype=np.int64)
    first_of[inverse], second_of[inverse] = first, second
    confusion = confusion.reshape(-1, n_values, n_values)
    return PairTable(first_of, second_of, confusion, confusion.sum(axis=(1, 2)))


def disagreement_weights(n_values: int, weighting: Weighting | None) -> FloatArray:
    """Cohen weights over the whole declared scale: 0/1, |i-j|, or (i-j)^2."""
    idx = np.arange(n_values, dtype=np.float64)
    gap = np.abs(idx[:, None] - idx[None, :])
    if weighting is None:
        return (gap > 0).astype(np.float64)
    return gap if weighting == "linear" else gap**2


def cohen_kappas(confusion: IntArray, weighting: Weighting | None = None) -> FloatArray:
    """Cohen's kappa for stacked confusion matrices (P, K, K); NaN where undefined.

    kappa_w = 1 - sum(w * observed) / sum(w * expected), expected from the two
    marginals; with 0/1 weights this is the unweighted kappa. Undefined (NaN)
    when expected disagreement is zero: both annotators used one same value.
    """
    conf = np.asarray(confusion, dtype=np.float64)
    weights = disagreement_weights(conf.shape[-1], weighting)
    n = conf.sum(axis=(1, 2))
    rows, cols = conf.sum(axis=2), conf.sum(axis=1)
    observed = (conf * weights).sum(axis=(1, 2))
    expected = np.einsum("pi,ij,pj->p", rows, weights, cols) / np.where(n > 0, n, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 1e-12, 1.0 - observed / expected, np.nan)
