"""Gold miss: an annotator's label differs from a gold item's known answer.

Spans and boxes compare by F1 (review.flags.regions: exact span matching, boxes at IoU 0.5):
an annotation misses when its F1 against the gold is under `min_f1` (default 1.0: every gold
region found and nothing extra).
"""

from __future__ import annotations

from typing import Any

from labeling.values import value_labels
from review.flags.facts import AnnotationFact, Detection, ItemFacts, ProjectFacts
from review.flags.regions import region_f1, region_kind
from review.flags.values import values_match


def _missed(item: ItemFacts, config: dict[str, Any]) -> tuple[list[AnnotationFact], dict[str, Any]]:
    """The annotations that missed the gold, and extra details (F1 per annotator for regions)."""
    gold = item.gold_value
    kind = region_kind(gold, *(a.value for a in item.annotations))
    if kind is None:
        return [a for a in item.annotations if not values_match(a.value, gold)], {}
    scores = {a.annotator_id: region_f1(a.value, gold, kind) for a in item.annotations}
    cut = float(config.get("min_f1", 1.0))
    missed = [a for a in item.annotations if scores[a.annotator_id] < cut]
    f1 = {str(a.annotator_id): round(scores[a.annotator_id], 4) for a in missed}
    return missed, {"f1": f1, "min_f1": cut}


def detect(item: ItemFacts, project: ProjectFacts, config: dict[str, Any]) -> Detection | None:
    """Fire on a gold item when some annotation does not match the gold value.

    Severity is the share of annotations that missed. None for non-gold items.
    """
    if not item.is_gold or item.gold_value is None or not item.annotations:
        return None
    missed, extra = _missed(item, config)
    if not missed:
        return None
    return len(missed) / len(item.annotations), {
        "annotators": [a.annotator_id for a in missed],
        "expected": list(value_labels(item.gold_value)),
        **extra,
    }
