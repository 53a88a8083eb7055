"""Rare label: the aggregated label is among the project's rarest, where labels are noisiest."""

from __future__ import annotations

from typing import Any

from labeling.values import value_labels
from review.flags.facts import Detection, ItemFacts, ProjectFacts


def detect(item: ItemFacts, project: ProjectFacts, config: dict[str, Any]) -> Detection | None:
    """Fire when a label of the aggregate has a project share under `cut`.

    Needs `min_items` aggregated items in the project first (shares of a handful of items say
    nothing). Severity is 1 - share / cut for the rarest of the item's labels.
    """
    cut = float(config["cut"])
    if project.labeled_items < int(config["min_items"]) or cut <= 0:
        return None
    shares = {label: project.label_shares.get(label, 0.0) for label in value_labels(item.aggregate)}
    rare = {label: share for label, share in shares.items() if share < cut}
    if not rare:
        return None
    label = min(rare, key=lambda key: rare[key])
    severity = max(0.0, min(1.0, 1 - rare[label] / cut))
    return severity, {"label": label, "share": round(rare[label], 5), "cut": cut}
