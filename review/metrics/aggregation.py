"""Aggregated labels: majority vote with an explicit tie rule.

Dawid-Skene lives in dawid_skene.py and the annotator competence score in
competence.py; both are re-exported here so callers import one module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from review.metrics.competence import CompetenceResult, annotator_competence
from review.metrics.dawid_skene import DawidSkeneResult, dawid_skene
from review.metrics.tables import FloatArray, IntArray

__all__ = [
    "CompetenceResult",
    "DawidSkeneResult",
    "MajorityResult",
    "annotator_competence",
    "dawid_skene",
    "majority_vote",
    "tie_priority",
]


@dataclass(frozen=True)
class MajorityResult:
    """Per item: the winning code (-1 when unlabelled) and its share of the votes (NaN when unlabelled)."""

    labels: IntArray
    confidence: FloatArray


def tie_priority(counts: IntArray) -> IntArray:
    """Rank of each code for breaking ties: 0 is preferred.

    Rule: among tied labels, prefer the one used more often over the whole
    project; if still tied, the one earlier in the schema (lower code).
    """
    overall = counts.sum(axis=0)
    order = np.lexsort((np.arange(len(overall)), -overall))
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank


def majority_vote(
    counts: IntArray, priority: IntArray | None = None, tie_break: FloatArray | None = None
) -> MajorityResult:
    """Majority vote per item with the documented tie rule.

    ``counts`` is the item-by-code table. Ties between the most voted codes go,
    in order, to the highest ``tie_break`` score (an item-by-code table, e.g. the
    Dawid-Skene posteriors, which weigh each vote by its annotator's record; NaN
    counts as no score), then to the best ``priority`` rank (default
    ``tie_priority``: the project's more frequent label, then schema order).
    Without ``tie_break`` only the ranks decide. Confidence is the winner's share
    of the item's votes.
    """
    n_values = counts.shape[1]
    ranks = tie_priority(counts) if priority is None else np.asarray(priority)
    candidates = counts == counts.max(axis=1, keepdims=True)
    if tie_break is not None:
        scores = np.where(candidates, np.nan_to_num(tie_break, nan=-1.0), -np.inf)
        candidates &= scores == scores.max(axis=1, keepdims=True)
    # Among the remaining candidates the best (lowest) rank wins.
    winners = np.where(candidates, (n_values - ranks)[None, :], -1).argmax(axis=1)
    totals = counts.sum(axis=1)
    labelled = totals > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        confidence = np.where(labelled, counts[np.arange(len(counts)), winners] / totals, np.nan)
    return MajorityResult(np.where(labelled, winners, -1), confidence)
