"""Aggregated spans by token-level voting, with a confidence per merged span.

Rule: every token takes the code with the most votes among "O" and the labels,
each annotation of the item voting once per token (weighted by the annotator's
competence when weights are given). Ties go to "O", then to the label earliest
in the schema: a token needs strictly more votes for a label than for "O". With
one label this is the strict majority of annotators (the rule of the Toxic
Spans ground truth, Pavlopoulos et al. 2021). Runs of consecutive tokens with
the same winning label become one span from the first token's start to the last
token's end (character offsets in the item's text). A span's confidence is the
mean over its tokens of the share of the (weighted) votes its label got.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from review.metrics.dawid_skene import dawid_skene
from review.metrics.layout import expand
from review.metrics.spans.inputs import SpanAnnotations
from review.metrics.spans.tokens import OUTSIDE, TokenLabels, Tokens
from review.metrics.tables import FloatArray, IntArray


@dataclass(frozen=True)
class MergedSpans:
    """Aggregated spans, one row each: item, [start, end) in the item's text, label code, confidence."""

    items: IntArray
    starts: IntArray
    ends: IntArray
    codes: IntArray
    confidence: FloatArray

    def values(self, labels: list[str] | tuple[str, ...], n_items: int) -> list[dict[str, Any]]:
        """Per item, the annotation value {"spans": [...]} with a "confidence" on each span."""
        values: list[dict[str, Any]] = [{"spans": []} for _ in range(n_items)]
        for u, s, e, c, p in zip(
            self.items.tolist(),
            self.starts.tolist(),
            self.ends.tolist(),
            self.codes.tolist(),
            self.confidence.tolist(),
            strict=True,
        ):
            values[u]["spans"].append(
                {"start": s, "end": e, "label": labels[c], "confidence": round(p, 6)}
            )
        return values


def weighted_token_votes(
    data: SpanAnnotations,
    tokens: Tokens,
    labelled: TokenLabels,
    weights: npt.ArrayLike | None = None,
) -> FloatArray:
    """Token-by-code vote table; column 0 ("O") gets the item's votes not given to a label.

    ``weights`` holds one non-negative weight per annotator index (default 1).
    """
    per_annotator = (
        np.ones(data.n_annotators) if weights is None else np.asarray(weights, dtype=np.float64)
    )
    row_weight = per_annotator[data.annotators]
    width = len(data.labels) + 1
    flat = labelled.tokens * width + labelled.codes
    votes = np.bincount(
        flat, weights=row_weight[labelled.rows], minlength=tokens.count * width
    ).reshape(tokens.count, width)
    item_total = np.bincount(data.items, weights=row_weight, minlength=data.n_items)
    votes[:, OUTSIDE] = item_total[tokens.items] - votes[:, 1:].sum(axis=1)
    return cast(FloatArray, votes)


def span_vote(tokens: Tokens, votes: FloatArray) -> MergedSpans:
    """Merge the winning label of each token into spans (see the module docstring)."""
    winner = votes.argmax(axis=1)  # first maximum: "O" (column 0), then the lowest label
    total = votes.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, votes[np.arange(len(votes)), winner] / total, 0.0)
    inside = np.nonzero(winner != OUTSIDE)[0]
    # a run goes on while the next labelled token is the next token, of the same item and label
    starts_mask = np.ones(len(inside), dtype=bool)
    starts_mask[1:] = (
        (np.diff(inside) != 1)
        | (winner[inside[1:]] != winner[inside[:-1]])
        | (tokens.items[inside[1:]] != tokens.items[inside[:-1]])
    )
    run_id = np.cumsum(starts_mask) - 1
    first = inside[starts_mask]
    last = inside[np.append(starts_mask[1:], True)] if len(inside) else first
    sizes = np.bincount(run_id, minlength=len(first))
    confidence = np.bincount(run_id, weights=share[inside], minlength=len(first)) / np.maximum(
        sizes, 1
    )
    items = tokens.items[first]
    return MergedSpans(
        items=items,
        starts=tokens.starts[first] - tokens.offsets[items],
        ends=tokens.ends[last] - tokens.offsets[items],
        codes=winner[first] - 1,
        confidence=confidence,
    )


def token_posteriors(data: SpanAnnotations, tokens: Tokens, labelled: TokenLabels) -> FloatArray:
    """Dawid-Skene (1979) posteriors of each token's code, in place of votes for ``span_vote``.

    Each annotation gives each token of its item a code ("O" or label + 1), one
    long-form row per (annotation, token); EM then learns a confusion matrix per
    annotator. ``span_vote`` merges the MAP codes, so a span's confidence becomes
    its tokens' mean posterior. Tokens of unannotated items get zero rows ("O").
    """
    per_item = np.bincount(tokens.items, minlength=data.n_items)
    first_token = np.cumsum(per_item) - per_item
    owner, offset = expand(per_item[data.items])
    token = first_token[data.items[owner]] + offset
    codes = np.zeros(len(owner), dtype=np.int64)
    row_start = np.cumsum(per_item[data.items]) - per_item[data.items]
    cell = row_start[labelled.rows] + labelled.tokens - first_token[data.items[labelled.rows]]
    codes[cell] = labelled.codes
    result = dawid_skene(
        token,
        data.annotators[owner],
        codes,
        n_items=tokens.count,
        n_annotators=data.n_annotators,
        n_classes=len(data.labels) + 1,
    )
    return np.nan_to_num(result.posteriors)
