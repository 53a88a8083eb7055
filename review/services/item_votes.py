"""One item's label counts, for the per-submit aggregate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from labeling.models import Item
from labeling.values import class_key
from review.metrics.inputs import SchemaSpec
from review.services.aggregate_values import NONE_SET


@dataclass(frozen=True)
class ItemVotes:
    """Votes per value name, and tie ranks (0 = preferred) for majority_vote."""

    names: list[str]
    counts: np.ndarray
    priority: np.ndarray


def value_name(spec: SchemaSpec, value: object) -> str | None:
    """The display name of an annotation value (label, rating point, or "+"-joined set).

    Reads the value's class key (labeling.values); a label or point outside the schema, or a
    value of another kind, has no name. A multi set lists its schema labels in schema order.
    """
    key = class_key(value, spec.kind)
    if spec.kind == "single":
        return key if isinstance(key, str) and key in spec.labels else None
    if spec.kind == "rating":
        return str(key) if key is not None and str(key) in spec.value_names else None
    if spec.kind == "multi" and isinstance(key, tuple):
        return "+".join(label for label in spec.labels if label in key) or NONE_SET
    return None


def _priority(names: list[str], report: dict[str, Any] | None) -> np.ndarray:
    """Tie ranks: more frequent in the project's last report first, then schema order."""
    shares = {row["label"]: row.get("share") or 0.0 for row in (report or {}).get("per_label", [])}
    order = sorted(range(len(names)), key=lambda i: (-shares.get(names[i], 0.0), i))
    ranks = np.empty(len(names), dtype=np.int64)
    ranks[order] = np.arange(len(names))
    return ranks


def item_vote_table(
    *, item: Item, spec: SchemaSpec, priority_from: dict[str, Any] | None
) -> ItemVotes | None:
    """Count the item's annotations per value; None for kinds without a vote (spans, boxes)."""
    if spec.kind not in ("single", "rating", "multi"):
        return None
    names = [
        n
        for n in (value_name(spec, v) for v in item.annotations.values_list("value", flat=True))
        if n
    ]
    # Multi-label sets are only known once seen: schema order is the order of first sight.
    domain = spec.value_names if spec.kind != "multi" else list(dict.fromkeys(names))
    counts = np.array([names.count(name) for name in domain], dtype=np.int64)
    return ItemVotes(domain, counts, _priority(domain, priority_from))
