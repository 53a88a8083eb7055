"""Pairwise span F1 between annotators, exact and overlap matching, vectorised.

Every span is compared with every other annotation of its item. A span is
*matched* by another annotation when that annotation holds
- exact: a span with the same start, end and label;
- overlap: a span with the same label sharing at least one character.

F1 pools both directions of each annotator pair: the share of the two
annotators' spans that are matched, (hits_a + hits_b) / (n_a + n_b). With
exact matching this is the usual F1 = 2 * matches / (n_a + n_b) of one
annotator scored against the other (Hripcsak & Rothschild 2005: symmetric,
no gold needed). With overlap matching, where one long span can match two
short ones, it is the micro-average of precision and recall over both
directions. Sums of hits and spans add up over items, labels and pairs, so every
slice (item, annotator, label, pair) uses the same formula. F1 is undefined (None)
when neither side has a span: agreement on "nothing here" is what the token alpha
measures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from review.metrics.layout import ItemLayout
from review.metrics.results import Metric
from review.metrics.spans.inputs import SpanAnnotations
from review.metrics.tables import FloatArray, IntArray

NO_SPANS = "no spans on shared items"
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class SpanComparisons:
    """One row per (span, other annotation of the span's item).

    ``rows``: the span's annotation row; ``others``: the other annotation row;
    ``codes``: the span's label; ``exact``/``overlap``: matched by ``others``.
    """

    rows: IntArray
    others: IntArray
    codes: IntArray
    exact: BoolArray
    overlap: BoolArray


def dense_ids(*columns: IntArray) -> IntArray:
    """Dense ids (0..K-1) of the distinct rows of the given equal-length columns."""
    if not len(columns[0]):
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort(columns[::-1])
    stacked = np.stack([c[order] for c in columns])
    change = np.concatenate([[0], (stacked[:, 1:] != stacked[:, :-1]).any(axis=0)])
    ids = np.empty(len(order), dtype=np.int64)
    ids[order] = np.cumsum(change)
    return ids


def _exact_hits(data: SpanAnnotations, spans: IntArray, others: IntArray) -> BoolArray:
    """Whether annotation ``others[i]`` has a span identical to span ``spans[i]``."""
    shape = dense_ids(data.codes, data.starts, data.ends)
    n_shapes = int(shape.max(initial=-1)) + 1
    held = np.unique(data.span_rows * n_shapes + shape)
    return np.isin(others * n_shapes + shape[spans], held, assume_unique=False)


def _overlap_hits(data: SpanAnnotations, spans: IntArray, others: IntArray) -> BoolArray:
    """Whether annotation ``others[i]`` has a same-label span overlapping span ``spans[i]``.

    Spans are sorted by (annotation, label, start) into one key; within a group
    the running maximum of the ends tells whether any span starting before the
    query's end reaches past the query's start. Offsetting every key by
    group * width keeps the running maximum from leaking across groups.
    """
    n_labels = max(len(data.labels), 1)
    width = int(data.ends.max(initial=0)) + 1
    if (len(data.items) + 1) * n_labels * width >= 2**62:
        raise ValueError("too many annotations x labels x characters for one int64 key")
    group = data.span_rows * n_labels + data.codes
    keys = group * width + data.starts
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    reach = np.maximum.accumulate(group[order] * width + data.ends[order])
    query = others * n_labels + data.codes[spans]
    last = np.searchsorted(sorted_keys, query * width + data.ends[spans], side="left") - 1
    found = last >= 0
    return found & (reach[np.maximum(last, 0)] > query * width + data.starts[spans])


def compare_spans(data: SpanAnnotations, layout: ItemLayout | None = None) -> SpanComparisons:
    """Compare every span with every other annotation of its item (see module docstring)."""
    layout = layout or ItemLayout.of(data.items, data.n_items)
    owner, others = layout.others(data.span_rows)
    return SpanComparisons(
        rows=data.span_rows[owner],
        others=others,
        codes=data.codes[owner],
        exact=_exact_hits(data, owner, others),
        overlap=_overlap_hits(data, owner, others),
    )


@dataclass(frozen=True)
class F1Tally:
    """Per key: spans compared (``n``) and those matched exactly / by overlap."""

    n: FloatArray
    exact: FloatArray
    overlap: FloatArray

    def f1(self, matching: str) -> FloatArray:
        """F1 per key (NaN when the key has no span)."""
        hits = self.exact if matching == "exact" else self.overlap
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.n > 0, hits / np.where(self.n > 0, self.n, 1), np.nan)

    def metric(self, matching: str, index: int = 0) -> Metric:
        """F1 of one key as a Metric (undefined without spans)."""
        value = self.f1(matching)[index]
        return Metric.undefined(NO_SPANS) if np.isnan(value) else Metric.of(value)


def tally(comparisons: SpanComparisons, keys: IntArray, size: int) -> F1Tally:
    """Sum spans and hits of the comparison rows by ``keys`` (one key per row, < ``size``)."""

    def total(weights: BoolArray | None) -> FloatArray:
        return np.bincount(keys, weights=weights, minlength=size).astype(np.float64)

    return F1Tally(
        total(None),
        total(comparisons.exact.astype(np.float64)),
        total(comparisons.overlap.astype(np.float64)),
    )


def tally_both_sides(
    comparisons: SpanComparisons, first: IntArray, second: IntArray, size: int
) -> F1Tally:
    """Tally by a key of either side: a row counts for ``first[row]`` and for ``second[row]``.

    Used per annotator: their F1 against everyone else pools their own spans
    matched by others and the others' spans matched by them.
    """
    one, two = tally(comparisons, first, size), tally(comparisons, second, size)
    return F1Tally(one.n + two.n, one.exact + two.exact, one.overlap + two.overlap)


def overall_f1(comparisons: SpanComparisons) -> dict[str, Metric]:
    """F1 over all pairs and items, exact and overlap."""
    whole = tally(comparisons, np.zeros(len(comparisons.rows), dtype=np.int64), 1)
    return {"exact": whole.metric("exact"), "overlap": whole.metric("overlap")}
