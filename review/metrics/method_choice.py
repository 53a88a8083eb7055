"""Which aggregation a project should use by default, chosen from its data, with the reason.

Dawid-Skene learns one confusion matrix (K x K) per annotator; it pays off once the
typical annotator has given enough labels to estimate theirs, and before that
majority vote (ties broken by the Dawid-Skene posterior) is as good or better.
Rule: Dawid-Skene when the median annotator gave at least MIN_LABELS_PER_CLASS
labels per class (5 * K); majority vote otherwise. On the benches: bluebirds
(108 labels per annotator, K=2) and the quiz subsets (20-36, K=4) take
Dawid-Skene; 100-item simulated crowds (7.5 per annotator, K=4) take majority.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

MIN_LABELS_PER_CLASS = 5


@dataclass(frozen=True)
class MethodChoice:
    """The chosen method ("majority" or "dawid_skene") and a sentence saying why."""

    method: str
    reason: str


def default_method(annotators: npt.ArrayLike, *, n_classes: int) -> MethodChoice:
    """The aggregation the data supports, from the annotator index of every label."""
    per_annotator = np.bincount(np.asarray(annotators, dtype=np.int64))
    per_annotator = per_annotator[per_annotator > 0]
    if not len(per_annotator):
        return MethodChoice("majority", "No labels yet: majority vote.")
    median = float(np.median(per_annotator))
    needed = MIN_LABELS_PER_CLASS * max(n_classes, 2)
    if median >= needed:
        return MethodChoice(
            "dawid_skene",
            f"Annotators gave a median of {median:g} labels (at least {needed}, "
            f"{MIN_LABELS_PER_CLASS} per class): Dawid-Skene can learn each one's confusions.",
        )
    return MethodChoice(
        "majority",
        f"Annotators gave a median of {median:g} labels (fewer than {needed}, "
        f"{MIN_LABELS_PER_CLASS} per class): too few to learn each one's confusions, so "
        "majority vote (ties broken by the Dawid-Skene posterior).",
    )
