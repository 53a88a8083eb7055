"""Model disagrees: a confident prediction differs from the aggregated label.

For class kinds the services pass only held-out predictions (out-of-fold for trained items,
review.services.model_evidence); an in-sample model agrees with the labels it learnt.
Silent while the project's model is skipped (ProjectFacts.model_skipped).
"""

from __future__ import annotations

from typing import Any

from labeling.values import value_labels
from review.flags.facts import Detection, ItemFacts, ProjectFacts


def detect(item: ItemFacts, project: ProjectFacts, config: dict[str, Any]) -> Detection | None:
    """Fire when the most confident prediction with score >= `score` disagrees with the aggregate.

    Severity is that prediction's score. None without an aggregate or a confident prediction.
    """
    threshold = float(config["score"])
    if item.aggregate is None or project.model_skipped:
        return None
    confident = [p for p in item.predictions if p.score is not None and p.score >= threshold]
    if not confident:
        return None
    best = max(confident, key=lambda prediction: float(prediction.score or 0.0))
    if value_labels(best.value) == value_labels(item.aggregate):
        return None
    return float(min(1.0, best.score or 0.0)), {
        "model_version": best.model_version,
        "predicted": list(value_labels(best.value)),
        "aggregate": list(value_labels(item.aggregate)),
        "score": best.score,
    }
