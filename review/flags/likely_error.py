"""Likely label error, confident-learning style (Northcutt et al., 2021, "confident joint").

Inputs are out-of-sample predicted class probabilities. Class j's threshold t_j is the mean
probability of j over items whose given label is j. An item given label i counts toward the
confident joint cell (i, j*) where j* is the most probable class with p_j >= t_j; j* != i marks
a likely error. Without probabilities (no model yet) the detector stays silent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from labeling.values import value_labels
from review.flags.facts import Detection, ItemFacts, ProjectFacts
from review.flags.regions import region_kind


def class_thresholds(
    rows: Iterable[tuple[str, dict[str, float]]],
) -> dict[str, float]:
    """Per class j: mean p_j over rows (given_label, probabilities) whose given label is j."""
    sums: dict[str, list[float]] = {}
    for given, probabilities in rows:
        if given in probabilities:
            sums.setdefault(given, []).append(float(probabilities[given]))
    return {label: float(np.mean(values)) for label, values in sums.items() if values}


def detect(item: ItemFacts, project: ProjectFacts, config: dict[str, Any]) -> Detection | None:
    """Fire when the confident-joint class differs from the item's (single) given label.

    Severity is p(j*) - p(given), clipped to 0..1. None without probabilities, without
    thresholds, for values with several labels, and for spans and boxes.
    """
    if region_kind(item.aggregate) is not None:
        return None  # class probabilities describe one label per item, not spans or boxes
    given = value_labels(item.aggregate)
    probabilities = next((p.probabilities for p in item.predictions if p.probabilities), None)
    if len(given) != 1 or not probabilities or not project.class_thresholds:
        return None
    margin = float(config.get("margin", 0.0))
    labels = [label for label in probabilities if label in project.class_thresholds]
    scores = np.array([float(probabilities[label]) for label in labels])
    limits = np.array([project.class_thresholds[label] + margin for label in labels])
    confident = scores >= limits
    if not confident.any():
        return None
    best = labels[int(np.argmax(np.where(confident, scores, -1.0)))]
    if best == given[0]:
        return None
    p_given = float(probabilities.get(given[0], 0.0))
    severity = float(np.clip(float(probabilities[best]) - p_given, 0.0, 1.0))
    return severity, {
        "given": given[0],
        "suggested": best,
        "p_suggested": round(float(probabilities[best]), 4),
        "p_given": round(p_given, 4),
    }
