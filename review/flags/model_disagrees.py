"""Model disagrees: a confident prediction differs from the aggregated label.

Spans and boxes compare by F1 (review.flags.regions: overlap span matching, boxes at IoU
0.5): the prediction disagrees when its F1 against the aggregate is under `min_f1`.
For class kinds the services pass only held-out predictions (out-of-fold for trained items,
review.services.model_evidence); an in-sample model agrees with the labels it learnt.
Silent for class kinds while the project's model is skipped (ProjectFacts.model_skipped).
"""

from __future__ import annotations

from typing import Any

from labeling.values import value_labels
from review.flags.facts import Detection, ItemFacts, PredictionFact, ProjectFacts
from review.flags.regions import region_f1, region_kind


def _disagreement(
    best: PredictionFact, item: ItemFacts, config: dict[str, Any]
) -> dict[str, Any] | None:
    """Details when `best` disagrees with the aggregate, else None."""
    kind = region_kind(best.value, item.aggregate)
    if kind is None:
        return None if value_labels(best.value) == value_labels(item.aggregate) else {}
    f1 = region_f1(best.value, item.aggregate, kind, matching="overlap")
    cut = float(config.get("min_f1", 1.0))
    return {"f1": round(f1, 4), "min_f1": cut} if f1 < cut else None


def detect(item: ItemFacts, project: ProjectFacts, config: dict[str, Any]) -> Detection | None:
    """Fire when the most confident prediction with score >= `score` disagrees with the aggregate.

    Severity is that prediction's score. None without an aggregate or a confident prediction.
    """
    threshold = float(config["score"])
    if item.aggregate is None:
        return None
    if project.model_skipped and region_kind(item.aggregate) is None:
        return None  # the gate is about class models; span and box servers are not cross-validated
    confident = [p for p in item.predictions if p.score is not None and p.score >= threshold]
    if not confident:
        return None
    best = max(confident, key=lambda prediction: float(prediction.score or 0.0))
    extra = _disagreement(best, item, config)
    if extra is None:
        return None
    return float(min(1.0, best.score or 0.0)), {
        "model_version": best.model_version,
        "predicted": list(value_labels(best.value)),
        "aggregate": list(value_labels(item.aggregate)),
        "score": best.score,
        **extra,
    }
