"""The stored aggregate of span annotations: token voting weighted by competence, or Dawid-Skene.

Units (review.metrics.units) are segments: maximal runs of consecutive tokens of one item
that every annotation of the item labels alike (all "O", or all inside spans of the same
labels). Every token of a segment gets the same votes, so a segment is one decision; long
"O" stretches become one unit instead of hundreds.

- Competence: MACE (Hovy et al. 2013) over the segments, one weight per annotator.
- "majority": each token takes the label with the most competence-weighted votes, "O"
  winning ties (the rule of vote.py, whose span_vote merges the tokens into spans).
- "dawid_skene": Dawid-Skene over the segments; every token of a segment takes the
  segment's MAP code, and a span's confidence is its tokens' mean posterior.
- Agreement per item: the pairwise overlap span F1 (matching.py); p_wrong from the
  segments (units.item_p_wrong).
"""

from __future__ import annotations

import numpy as np

from review.metrics.layout import ItemLayout
from review.metrics.spans.inputs import SpanAnnotations
from review.metrics.spans.matching import compare_spans, tally
from review.metrics.spans.tokens import TokenLabels, Tokens, token_labels, tokenize
from review.metrics.spans.vote import span_vote
from review.metrics.tables import FloatArray, IntArray
from review.metrics.units import (
    RegionResults,
    UnitLabels,
    item_confidence,
    item_p_wrong,
    unit_competence,
    unit_decision,
    unit_method,
    unit_rows,
)


def segment_starts(tokens: Tokens, labelled: TokenLabels, n_labels: int) -> np.ndarray:
    """True at each token that starts a segment (an item's first token, or where any
    annotation's code changes from the token before)."""
    count, width = tokens.count, n_labels + 1
    key = (labelled.rows * (count + 1) + labelled.tokens) * width + labelled.codes
    held = np.unique(key)
    starts = np.zeros(count, dtype=bool)
    starts[:1] = True
    starts[1:] = tokens.items[1:] != tokens.items[:-1]
    entering = ~np.isin(key - width, held)  # the same code was not on the token before
    starts[labelled.tokens[entering]] = True
    leaving = ~np.isin(key + width, held) & (labelled.tokens + 1 < count)
    starts[labelled.tokens[leaving] + 1] = True
    return starts


def segment_units(
    data: SpanAnnotations, tokens: Tokens, labelled: TokenLabels
) -> tuple[UnitLabels, IntArray]:
    """The segments as units, and the segment of every token."""
    starts = segment_starts(tokens, labelled, len(data.labels))
    segment = np.cumsum(starts) - 1
    first = np.nonzero(starts)[0]
    seg_items = tokens.items[first]
    unit, row = unit_rows(seg_items, (data.items, data.annotators), data.n_items)
    codes = np.zeros(len(unit), dtype=np.int64)
    layout = ItemLayout.of(data.items, data.n_items)
    per_unit = layout.size[seg_items]
    unit_start = np.cumsum(per_unit) - per_unit
    at_first = starts[labelled.tokens]
    seg = segment[labelled.tokens[at_first]]
    codes[unit_start[seg] + layout.position[labelled.rows[at_first]]] = labelled.codes[at_first]
    units = UnitLabels(
        unit, data.annotators[row], codes, seg_items, data.n_annotators, len(data.labels) + 1
    )
    return units, segment


def item_span_f1(data: SpanAnnotations) -> FloatArray:
    """Pairwise overlap span F1 per item (NaN when no annotation of it has a span)."""
    comparisons = compare_spans(data)
    return tally(comparisons, data.items[comparisons.rows], data.n_items).f1("overlap")


def span_aggregate(
    data: SpanAnnotations,
    *,
    method: str = "majority",
    weighted: bool = True,
    with_risk: bool = True,
) -> RegionResults:
    """Aggregate cleaned span annotations per item (see the module docstring).

    ``weighted``: weigh the votes by MACE competence (the project run); False gives a
    plain vote (one item at submit time). ``with_risk``: compute p_wrong too.
    """
    tokens = tokenize(data.texts)
    labelled = token_labels(data, tokens)
    units, segment = segment_units(data, tokens, labelled)
    method = unit_method(method, units)
    weights = unit_competence(units) if weighted and method != "dawid_skene" else None
    winner, share, table = unit_decision(units, method, weights)
    # Every token of a segment has its segment's votes (or posterior): one row per token.
    merged = span_vote(tokens, table[segment])
    p_wrong = item_p_wrong(units, winner, data.n_items)[0] if with_risk else None
    return RegionResults(
        values=merged.values(list(data.labels), data.n_items),
        confidence=item_confidence(units.unit_items, share, data.n_items),
        agreement=item_span_f1(data),
        p_wrong=p_wrong,
        method=method,
    )
