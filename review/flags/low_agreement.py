"""Low agreement: the item has all its labels and they disagree more than the project allows."""

from __future__ import annotations

from typing import Any

from labeling.values import CLASS_KINDS, value_kind
from review.flags.facts import Detection, ItemFacts, ProjectFacts
from review.flags.values import majority_share


def item_agreement(item: ItemFacts) -> float | None:
    """The review app's figure when present, else the majority value's share.

    The fallback covers categorical values only: exact matches of spans or boxes say little
    about agreement, so those items wait for the review app's figure (their pairwise overlap
    span F1 or box F1 at IoU 0.5, review.services.region_aggregates; None until then).
    """
    if item.agreement is not None:
        return item.agreement
    values = [annotation.value for annotation in item.annotations]
    if not all(value_kind(value) in CLASS_KINDS for value in values):
        return None
    return majority_share(values)


def detect(item: ItemFacts, project: ProjectFacts, config: dict[str, Any]) -> Detection | None:
    """Fire when agreement < threshold once the item has its overlap.

    Severity grows linearly from 0 at the threshold to 1 at agreement 0. None while labels
    are still missing or agreement is undefined (fewer than two labels).
    """
    threshold = float(config["threshold"])
    agreement = item_agreement(item)
    if not item.has_overlap or agreement is None or agreement >= threshold or threshold <= 0:
        return None
    severity = min(1.0, (threshold - agreement) / threshold)
    return severity, {
        "agreement": round(agreement, 4),
        "threshold": threshold,
        "labels": len(item.annotations),
    }
