"""The review queue under a budget: the riskiest items first, at most a share of the project.

Also the figures a lead needs to set the budget: how many labels are likely
wrong now (the sum of p_wrong), and how many a given queue would fix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from review.metrics.tables import IntArray

DEFAULT_BUDGET = 0.15


def review_queue(
    p_wrong: npt.ArrayLike,
    *,
    budget: float | None = DEFAULT_BUDGET,
    threshold: float | None = None,
    eligible: npt.ArrayLike | None = None,
) -> IntArray:
    """Indices of the items to review, riskiest first.

    ``budget``: at most floor(budget * number of items) items (all items of the
    project count, so "15%" means 15% of the project; None = no cap).
    ``threshold``: only items with p_wrong >= threshold (None = no floor).
    ``eligible``: optional mask, e.g. False for items already settled. Items with
    a NaN p_wrong are never queued. Equal risks keep index order (deterministic).
    """
    risk = np.asarray(p_wrong, dtype=np.float64)
    keep = np.isfinite(risk)
    if eligible is not None:
        keep &= np.asarray(eligible, dtype=bool)
    if threshold is not None:
        keep &= risk >= threshold
    candidates = np.nonzero(keep)[0]
    order = candidates[np.argsort(-risk[candidates], kind="stable")]
    if budget is not None:
        order = order[: math.floor(budget * len(risk) + 1e-9)]
    return order.astype(np.int64)


def caught_share(queue: npt.ArrayLike, wrong: npt.ArrayLike) -> float | None:
    """Share of the wrong labels (boolean per item) that the queue holds; None when none is wrong."""
    wrong_arr = np.asarray(wrong, dtype=bool)
    total = int(wrong_arr.sum())
    if total == 0:
        return None
    return float(wrong_arr[np.asarray(queue, dtype=np.int64)].sum() / total)


@dataclass(frozen=True)
class AccuracyEstimate:
    """Expected wrong labels now, the expected accuracy, and what the queue would fix."""

    items: int
    expected_wrong: float
    expected_accuracy: float | None
    queued: int
    expected_fixed: float


def accuracy_estimate(p_wrong: npt.ArrayLike, queue: npt.ArrayLike) -> AccuracyEstimate:
    """Expected number of wrong labels (sum of p_wrong over labelled items) and how many of them
    reviewing ``queue`` would fix (sum of its p_wrong). Needs a calibrated p_wrong to mean much.
    """
    risk = np.asarray(p_wrong, dtype=np.float64)
    labelled = np.isfinite(risk)
    expected = float(risk[labelled].sum())
    n = int(labelled.sum())
    queued = np.asarray(queue, dtype=np.int64)
    fixed = float(np.nansum(risk[queued])) if len(queued) else 0.0
    return AccuracyEstimate(n, expected, 1.0 - expected / n if n else None, len(queued), fixed)
