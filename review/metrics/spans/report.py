"""The agreement report of a spans project, the same shape as the single-label one where it applies.

Headline figures: ``krippendorff_alpha.nominal`` is the token-level alpha (see
token_agreement.py; ``alpha_unit`` says so), ``krippendorff_alpha.presence``
the same over "inside a span" vs "O"; percent agreement, Fleiss' kappa and
Gwet's AC1 come from the same token table; ``span_f1`` holds the pairwise F1
(matching.py). Then per label, per annotator, every pair, the pair matrix,
per-item F1, the aggregate (vote.py) and alpha by group (e.g. guideline version).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from review.metrics.agreement import agreement_histogram
from review.metrics.json_figures import aggregation_summary, figure_matrix, metric_value, rounded
from review.metrics.layout import ItemLayout
from review.metrics.patterns import Patterns
from review.metrics.spans import sections
from review.metrics.spans.inputs import SpanAnnotations, SpanMapping, span_annotations
from review.metrics.spans.matching import SpanComparisons, compare_spans, overall_f1, tally
from review.metrics.spans.token_agreement import item_token_figures
from review.metrics.spans.tokens import (
    OUTSIDE,
    TokenLabels,
    Tokens,
    token_counts,
    token_labels,
    tokenize,
)
from review.metrics.spans.vote import (
    MergedSpans,
    span_vote,
    token_posteriors,
    weighted_token_votes,
)
from review.metrics.tables import FloatArray, IntArray

Aggregation = Literal["majority", "dawid_skene"]


@dataclass(frozen=True)
class SpanItemResults:
    """Per item index: pairwise F1 (NaN without spans), token alpha and agreement, the aggregate."""

    f1_exact: FloatArray
    f1_overlap: FloatArray
    token_alpha: FloatArray
    token_agreement: FloatArray
    aggregate: MergedSpans


def agreement_with_aggregate(
    data: SpanAnnotations, tokens: Tokens, labelled: TokenLabels, winner: npt.NDArray[np.int64]
) -> FloatArray:
    """Per annotation row, the share of its item's tokens where it gave the aggregate's code.

    NaN when the item has fewer than two annotations or no token.
    """
    n_rows = len(data.items)
    on_outside = np.bincount(tokens.items[winner == OUTSIDE], minlength=data.n_items)
    size = np.bincount(tokens.items, minlength=data.n_items)
    won = winner[labelled.tokens]
    lost_outside = np.bincount(labelled.rows[won == OUTSIDE], minlength=n_rows)
    matched = np.bincount(labelled.rows[won == labelled.codes], minlength=n_rows)
    agree = on_outside[data.items] - lost_outside + matched
    shared = (np.bincount(data.items, minlength=data.n_items) >= 2) & (size > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(shared[data.items], agree / size[data.items], np.nan)


def subset(data: SpanAnnotations, keep: npt.NDArray[np.bool_]) -> SpanAnnotations:
    """The annotations whose row is in ``keep``, with their spans (row indices renumbered)."""
    new_index = np.cumsum(keep) - 1
    spans = keep[data.span_rows]
    return replace(
        data,
        items=data.items[keep],
        annotators=data.annotators[keep],
        span_rows=new_index[data.span_rows[spans]],
        starts=data.starts[spans],
        ends=data.ends[spans],
        codes=data.codes[spans],
        groups={},
    )


def _token_figures(patterns: Patterns, n_labels: int, undefined: dict[str, str]) -> dict[str, Any]:
    """Alpha (token, presence), percent agreement, Fleiss' kappa and AC1 over the token table."""
    presence = patterns.merge_columns([[OUTSIDE], list(range(1, n_labels + 1))])
    figures = {
        "percent_agreement": patterns.percent_agreement(),
        "krippendorff_alpha.nominal": patterns.nominal_alpha(),
        "krippendorff_alpha.presence": presence.nominal_alpha(),
        "fleiss_kappa": patterns.fleiss_kappa(),
        "gwet_ac1": patterns.gwet_ac1(n_labels + 1),
    }
    values = {path: metric_value(undefined, path, metric) for path, metric in figures.items()}
    return {
        "alpha_unit": "token",
        "percent_agreement": values["percent_agreement"],
        "krippendorff_alpha": {
            "nominal": values["krippendorff_alpha.nominal"],
            "presence": values["krippendorff_alpha.presence"],
        },
        "fleiss_kappa": values["fleiss_kappa"],
        "gwet_ac1": values["gwet_ac1"],
    }


def groups(data: SpanAnnotations, tokens: Tokens) -> dict[str, list[dict[str, Any]]]:
    """Token alpha and overlap F1 per group key, each group keeping only its own annotations."""
    result: dict[str, list[dict[str, Any]]] = {}
    for name, keys in data.groups.items():
        distinct, inverse = np.unique(np.asarray(keys), return_inverse=True)
        rows = []
        for g, key in enumerate(distinct):
            part = subset(data, inverse == g)
            counts = token_counts(part, tokens, token_labels(part, tokens))
            alpha = Patterns.of(counts).nominal_alpha()
            rows.append(
                {
                    "key": key.item() if hasattr(key, "item") else key,
                    "annotations": len(part.items),
                    "items": int((np.bincount(part.items, minlength=part.n_items) >= 2).sum()),
                    "alpha": alpha.value,
                    "f1_overlap": overall_f1(compare_spans(part))["overlap"].value,
                    "reason": alpha.reason,
                }
            )
        result[name] = rows
    return result


def span_item_results(
    data: SpanAnnotations,
    tokens: Tokens,
    labelled: TokenLabels,
    comparisons: SpanComparisons,
    weights: npt.ArrayLike | None = None,
    aggregation: Aggregation = "majority",
) -> tuple[SpanItemResults, IntArray, IntArray]:
    """Per-item F1, token alpha and agreement, the token-vote aggregate; the token count table
    and the winning code of each token."""
    counts = token_counts(data, tokens, labelled)
    if aggregation == "dawid_skene":
        votes: Any = token_posteriors(data, tokens, labelled)
    else:
        votes = counts if weights is None else weighted_token_votes(data, tokens, labelled, weights)
    per_item = tally(comparisons, data.items[comparisons.rows], data.n_items)
    item_alpha, item_agreement = item_token_figures(counts, tokens, data.n_items)
    merged = span_vote(tokens, votes)
    results = SpanItemResults(
        per_item.f1("exact"), per_item.f1("overlap"), item_alpha, item_agreement, merged
    )
    return results, counts, votes.argmax(axis=1)


def build_span_report(
    data: SpanAnnotations,
    *,
    weights: npt.ArrayLike | None = None,
    aggregation: Aggregation = "majority",
) -> tuple[dict[str, Any], SpanItemResults]:
    """The agreement report of span annotations and the per-item results behind it.

    ``data`` should be cleaned (``span_annotations`` does it). The aggregate is
    the token vote (``weights``, one per annotator index, weigh it) or, with
    ``aggregation="dawid_skene"``, Dawid-Skene over tokens. Undefined figures
    are None with their reasons under "undefined".
    """
    undefined: dict[str, str] = {}
    layout = ItemLayout.of(data.items, data.n_items)
    tokens = tokenize(data.texts)
    labelled = token_labels(data, tokens)
    comparisons = compare_spans(data, layout)
    items, counts, winner = span_item_results(
        data, tokens, labelled, comparisons, weights, aggregation
    )
    patterns = Patterns.of(counts)
    shared = layout.size >= 2
    report: dict[str, Any] = {
        "kind": "spans",
        "items": int(shared.sum()),
        "annotations": len(data.items),
        "annotators": len(np.unique(data.annotators)),
        "spans": len(data.span_rows),
        "tokens": int(shared[tokens.items].sum()),
    }
    report |= _token_figures(patterns, len(data.labels), undefined)
    report["span_f1"] = {
        m: metric_value(undefined, f"span_f1.{m}", metric)
        for m, metric in overall_f1(comparisons).items()
    }
    with_aggregate = agreement_with_aggregate(data, tokens, labelled, winner)
    report |= _slices(data, layout, comparisons, patterns, with_aggregate)
    report |= _item_section(items, shared)
    report["aggregation"] = aggregation_summary(
        "token_vote" if aggregation == "majority" else "token_dawid_skene",
        items.aggregate.codes,
        data.labels,
    )
    report["groups"] = groups(data, tokens)
    report["undefined"] = undefined
    return report, items


def _slices(
    data: SpanAnnotations,
    layout: ItemLayout,
    comparisons: SpanComparisons,
    patterns: Patterns,
    with_aggregate: FloatArray,
) -> dict[str, Any]:
    """Per label, per annotator, pairs and the pair matrix."""
    names = data.annotator_names
    pair_rows = sections.pairs(names, data.annotators, layout, comparisons)
    return {
        "per_label": sections.per_label(data.labels, comparisons, patterns, data.codes),
        "per_annotator": sections.per_annotator(
            names, data.annotators, comparisons, data.span_rows, with_aggregate
        ),
        "pairs": pair_rows,
        "pair_matrix": figure_matrix(
            names, data.annotators, pair_rows, ("n", "f1_exact", "f1_overlap")
        ),
    }


def _item_section(items: SpanItemResults, shared: npt.NDArray[np.bool_]) -> dict[str, Any]:
    """Histogram and means of the per-item figures over items with two or more annotations."""
    f1 = items.f1_overlap[shared]
    alpha = items.token_alpha[shared]
    return {
        "item_agreement": "f1_overlap",
        "item_agreement_histogram": agreement_histogram(f1),
        "item_agreement_mean": rounded(np.nanmean(f1)) if np.isfinite(f1).any() else None,
        "item_token_alpha_mean": (rounded(np.nanmean(alpha)) if np.isfinite(alpha).any() else None),
    }


def span_report(
    annotations: SpanMapping,
    texts: Mapping[Hashable, str],
    labels: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The span agreement report from an item -> [(annotator, spans)] mapping and the item texts."""
    data, _ = span_annotations(annotations, texts, labels)
    report, _ = build_span_report(data)
    return report
