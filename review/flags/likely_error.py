"""Likely label error, confident learning (Northcutt et al., 2021), as cleanlab 2.x computes it.

Inputs are out-of-sample predicted class probabilities. Class j's threshold t_j is the mean
probability of j over items whose given label is j. An item is confident in the classes with
p_j >= t_j (less 1e-6, as cleanlab); its guessed true class is that class, or the overall
most probable class when several are confident. A guess different from the given label is
an off-diagonal entry of the confident joint: a label issue, unless the given label is the
model's own top class (cleanlab drops those too). This is cleanlab's
find_label_issues(filter_by="confident_learning"); tests check the two agree.
Without probabilities, or while the project's model is skipped, the detector stays silent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from labeling.values import value_labels
from review.flags.facts import Detection, ItemFacts, ProjectFacts
from review.flags.regions import region_kind

TOLERANCE = 1e-6  # cleanlab's slack on "p_j >= t_j"


def class_thresholds(
    rows: Iterable[tuple[str, dict[str, float]]],
) -> dict[str, float]:
    """Per class j: mean p_j over rows (given_label, probabilities) whose given label is j."""
    sums: dict[str, list[float]] = {}
    for given, probabilities in rows:
        if given in probabilities:
            sums.setdefault(given, []).append(float(probabilities[given]))
    return {label: float(np.mean(values)) for label, values in sums.items() if values}


def confident_class(
    probabilities: dict[str, float], thresholds: dict[str, float], margin: float = 0.0
) -> str | None:
    """The confident-joint column of one item (None when no class clears its threshold)."""
    labels = [label for label in probabilities if label in thresholds]
    if not labels:
        return None
    scores = np.array([float(probabilities[label]) for label in labels])
    limits = np.array([thresholds[label] + margin for label in labels]) - TOLERANCE
    confident = scores >= limits
    if not confident.any():
        return None
    if confident.sum() > 1:
        return labels[int(np.argmax(scores))]
    return labels[int(np.argmax(confident))]


def detect(item: ItemFacts, project: ProjectFacts, config: dict[str, Any]) -> Detection | None:
    """Fire when the confident-joint class differs from the item's (single) given label.

    Severity is p(guess) - p(given), clipped to 0..1. None without probabilities, without
    thresholds, for values with several labels, when the given label is the top class, and for
    spans and boxes.
    """
    if region_kind(item.aggregate) is not None:
        return None  # class probabilities describe one label per item, not spans or boxes
    given = value_labels(item.aggregate)
    probabilities = next((p.probabilities for p in item.predictions if p.probabilities), None)
    if len(given) != 1 or not probabilities or not project.class_thresholds:
        return None
    if project.model_skipped:
        return None
    best = confident_class(probabilities, project.class_thresholds, float(config.get("margin", 0.0)))
    top = max(probabilities, key=lambda label: float(probabilities[label]))
    if best is None or best == given[0] or top == given[0]:
        return None
    p_given = float(probabilities.get(given[0], 0.0))
    severity = float(np.clip(float(probabilities[best]) - p_given, 0.0, 1.0))
    return severity, {
        "given": given[0],
        "suggested": best,
        "p_suggested": round(float(probabilities[best]), 4),
        "p_given": round(p_given, 4),
    }
