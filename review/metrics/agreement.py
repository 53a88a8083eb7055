"""Agreement at finer grain: per item, per label, per annotator, per pair, per group.

Project-level coefficients live in alpha.py and kappa.py; this module slices
the same count tables. All functions are vectorised over items/annotators.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from review.metrics.kappa import PairTable, cohen_kappas
from review.metrics.results import NO_ITEMS, NO_VARIATION, Metric
from review.metrics.tables import FloatArray, IntArray

HISTOGRAM_BINS = 10


def item_agreement(counts: IntArray, aggregate: IntArray) -> FloatArray:
    """Per item, the share of its labels equal to the aggregated label; NaN when unlabelled."""
    totals = counts.sum(axis=1)
    valid = (totals > 0) & (aggregate >= 0)
    picked = counts[np.arange(len(counts)), np.where(aggregate >= 0, aggregate, 0)]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(valid, picked / totals, np.nan)


def item_entropy(counts: IntArray) -> FloatArray:
    """Per item, the Shannon entropy (bits) of its label distribution; NaN when unlabelled."""
    totals = counts.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = counts / totals
        terms = np.where(shares > 0, -shares * np.log2(np.where(shares > 0, shares, 1.0)), 0.0)
    return np.where(totals[:, 0] > 0, terms.sum(axis=1), np.nan)


def agreement_histogram(values: FloatArray, bins: int = HISTOGRAM_BINS) -> dict[str, list[Any]]:
    """Histogram of per-item agreement over [0, 1] (NaN values skipped)."""
    finite = values[np.isfinite(values)]
    counts, edges = np.histogram(finite, bins=bins, range=(0.0, 1.0))
    return {"edges": [round(float(e), 6) for e in edges], "counts": counts.tolist()}


def one_vs_rest(counts: IntArray) -> list[dict[str, Metric]]:
    """Per label: its share of annotations, binary alpha (label vs rest) and specific agreement.

    Binary nominal alpha reduces to 1 - (n - 1) o_01 / (n_1 n_0), with o_01 the
    label/rest coincidences; specific agreement is the chance that another label
    on the same item matches, given one label is this one. Items with <2 labels drop out.
    """
    totals = counts.sum(axis=1)
    keep = totals >= 2
    x, m = counts[keep].astype(np.float64), totals[keep, None].astype(np.float64)
    w = 1.0 / (m - 1.0)
    cross = (w * x * (m - x)).sum(axis=0)
    ones, zeros = x.sum(axis=0), (m - x).sum(axis=0)
    n = ones + zeros
    specific_num, specific_den = (x * (x - 1)).sum(axis=0), (x * (m - 1)).sum(axis=0)
    all_labels = max(int(counts.sum()), 1)
    result = []
    for c in range(counts.shape[1]):
        share = Metric.of(counts[:, c].sum() / all_labels)
        if not keep.any():
            alpha = specific = Metric.undefined(NO_ITEMS)
        else:
            alpha = (
                Metric.of(1.0 - (n[c] - 1.0) * cross[c] / (ones[c] * zeros[c]))
                if ones[c] * zeros[c] > 0
                else Metric.undefined(NO_VARIATION)
            )
            specific = (
                Metric.of(specific_num[c] / specific_den[c])
                if specific_den[c] > 0
                else Metric.undefined("label never used on a shared item")
            )
        result.append({"share": share, "alpha": alpha, "specific_agreement": specific})
    return result


def _mean_by(
    keys: IntArray, values: FloatArray, mask: npt.NDArray[np.bool_], size: int
) -> FloatArray:
    """Mean of ``values[mask]`` grouped by ``keys``; NaN for empty groups."""
    sums = np.bincount(keys[mask], weights=values[mask], minlength=size)
    counts = np.bincount(keys[mask], minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(counts > 0, sums / np.where(counts > 0, counts, 1), np.nan)


def annotator_agreement(
    items: IntArray,
    annotators: IntArray,
    codes: IntArray,
    counts: IntArray,
    aggregate: IntArray,
    n_annotators: int,
    gold: IntArray | None = None,
) -> dict[str, FloatArray]:
    """Per annotator: labels given, agreement with others, with the aggregate and with gold.

    - with_others: mean over their labels on shared items of the share of the
      other labels on that item that match theirs;
    - with_aggregate: share of their labels on shared items equal to the aggregate;
    - with_gold: share of their labels on gold items equal to the gold label.
    """
    totals = counts.sum(axis=1)[items]
    shared = totals >= 2
    same = counts[items, codes].astype(np.float64) - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        others = np.where(shared, same / (totals - 1.0), 0.0)
    agg = aggregate[items]
    result = {
        "n": np.bincount(annotators, minlength=n_annotators).astype(np.float64),
        "with_others": _mean_by(annotators, others, shared, n_annotators),
        "with_aggregate": _mean_by(
            annotators, (codes == agg).astype(float), shared & (agg >= 0), n_annotators
        ),
    }
    if gold is not None:
        g = gold[items]
        result["with_gold"] = _mean_by(annotators, (codes == g).astype(float), g >= 0, n_annotators)
    return result


def pair_agreements(table: PairTable) -> FloatArray:
    """Observed agreement (share of shared items with equal labels) per pair."""
    diag = np.trace(table.confusion, axis1=1, axis2=2).astype(np.float64)
    shares: FloatArray = diag / np.maximum(table.n, 1)
    return shares


def pair_matrix(table: PairTable, annotator_ids: Sequence[int]) -> dict[str, Any]:
    """Square matrices (n, observed agreement, kappa) over ``annotator_ids``; None off the pairs."""
    index = {a: i for i, a in enumerate(annotator_ids)}
    size = len(annotator_ids)
    shape: list[list[Any]] = [[None] * size for _ in range(size)]
    n_m, agree_m, kappa_m = ([row[:] for row in shape] for _ in range(3))
    kappas, agrees = cohen_kappas(table.confusion), pair_agreements(table)
    for p, (a, b) in enumerate(zip(table.first.tolist(), table.second.tolist(), strict=True)):
        if a not in index or b not in index:
            continue
        i, j = index[a], index[b]
        kappa = None if np.isnan(kappas[p]) else round(float(kappas[p]), 6)
        for x, y in ((i, j), (j, i)):
            n_m[x][y] = int(table.n[p])
            agree_m[x][y] = round(float(agrees[p]), 6)
            kappa_m[x][y] = kappa
    return {"n": n_m, "agreement": agree_m, "kappa": kappa_m}
