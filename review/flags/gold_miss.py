"""Gold miss: an annotator's label differs from a gold item's known answer."""

from __future__ import annotations

from typing import Any

from labeling.values import value_labels
from review.flags.facts import Detection, ItemFacts, ProjectFacts
from review.flags.values import values_match


def detect(item: ItemFacts, project: ProjectFacts, config: dict[str, Any]) -> Detection | None:
    """Fire on a gold item when some annotation does not match the gold value.

    Severity is the share of annotations that missed. None for non-gold items.
    """
    if not item.is_gold or item.gold_value is None or not item.annotations:
        return None
    missed = [a for a in item.annotations if not values_match(a.value, item.gold_value)]
    if not missed:
        return None
    return len(missed) / len(item.annotations), {
        "annotators": [a.annotator_id for a in missed],
        "expected": list(value_labels(item.gold_value)),
    }
