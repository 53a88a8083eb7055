"""Slices of the span report: per label, per annotator, per pair, pair matrix, groups."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from review.metrics.json_figures import DIGITS, rounded
from review.metrics.layout import ItemLayout
from review.metrics.patterns import Patterns
from review.metrics.results import Metric
from review.metrics.spans.matching import F1Tally, SpanComparisons, tally, tally_both_sides
from review.metrics.tables import FloatArray, IntArray

MATCHINGS = ("exact", "overlap")


def _f1_columns(figures: F1Tally) -> dict[str, list[float | None]]:
    """{"f1_exact": [...], "f1_overlap": [...]} over all keys of a tally, rounded."""
    return {f"f1_{m}": [rounded(v) for v in figures.f1(m).tolist()] for m in MATCHINGS}


def _f1_fields(columns: dict[str, list[float | None]], index: int) -> dict[str, float | None]:
    """The entries of one key in ``_f1_columns``."""
    return {key: values[index] for key, values in columns.items()}


def per_label(
    labels: Sequence[str], comparisons: SpanComparisons, patterns: Patterns, span_codes: IntArray
) -> list[dict[str, Any]]:
    """Per label: spans drawn, their share, pairwise F1, and token alpha / specific agreement one vs rest."""
    figures = _f1_columns(tally(comparisons, comparisons.codes, len(labels)))
    token_rows = patterns.one_vs_rest()[1:]  # column 0 is "O"
    drawn = np.bincount(span_codes, minlength=len(labels))
    total = max(int(drawn.sum()), 1)
    result = []
    for c, label in enumerate(labels):
        entry: dict[str, Any] = {"label": label, "spans": int(drawn[c])}
        entry["share"] = rounded(drawn[c] / total)
        entry |= _f1_fields(figures, c)
        entry["token_alpha"] = _value(token_rows[c]["alpha"])
        entry["specific_agreement"] = _value(token_rows[c]["specific_agreement"])
        result.append(entry)
    return result


def per_annotator(
    names: Sequence[str],
    annotators: IntArray,
    comparisons: SpanComparisons,
    span_rows: IntArray,
    with_aggregate: FloatArray,
) -> list[dict[str, Any]]:
    """Per annotator: annotations, spans, F1 against everyone else, token agreement with the aggregate.

    ``with_aggregate`` is per annotation row (NaN when the item has fewer than two annotations).
    """
    size = len(names)
    figures = _f1_columns(
        tally_both_sides(
            comparisons, annotators[comparisons.rows], annotators[comparisons.others], size
        )
    )
    n = np.bincount(annotators, minlength=size)
    spans = np.bincount(annotators[span_rows], minlength=size)
    ok = np.isfinite(with_aggregate)
    agree = np.bincount(annotators[ok], weights=with_aggregate[ok], minlength=size)
    shared = np.bincount(annotators[ok], minlength=size)
    result = []
    for a in np.nonzero(n > 0)[0].tolist():
        entry: dict[str, Any] = {"annotator": names[a], "n": int(n[a]), "spans": int(spans[a])}
        entry |= _f1_fields(figures, a)
        entry["token_agreement_with_aggregate"] = (
            rounded(agree[a] / shared[a]) if shared[a] else None
        )
        result.append(entry)
    return result


def _pair_keys(first: IntArray, second: IntArray, size: int) -> IntArray:
    """One key per unordered annotator pair."""
    return np.minimum(first, second) * size + np.maximum(first, second)


def pairs(
    names: Sequence[str], annotators: IntArray, layout: ItemLayout, comparisons: SpanComparisons
) -> list[dict[str, Any]]:
    """Every annotator pair sharing an item: a, b (name order by index), shared items n, F1."""
    size = len(names)
    one, two = layout.pairs()
    shared_keys = _pair_keys(annotators[one], annotators[two], size)
    distinct, shared = np.unique(shared_keys, return_counts=True)
    row_keys = _pair_keys(annotators[comparisons.rows], annotators[comparisons.others], size)
    figures = _f1_columns(tally(comparisons, np.searchsorted(distinct, row_keys), len(distinct)))
    result = []
    for p, key in enumerate(distinct.tolist()):
        entry: dict[str, Any] = {"a": names[key // size], "b": names[key % size]}
        entry["n"] = int(shared[p])
        entry |= _f1_fields(figures, p)
        result.append(entry)
    return result


def _value(metric: Metric) -> float | None:
    """The rounded value of a metric, None when undefined."""
    return None if metric.value is None else round(metric.value, DIGITS)
