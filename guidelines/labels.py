"""Which label values a schema declares and which ones an annotation value uses.

The guidelines app keeps its own small reader so it depends on labeling only (never on review).
"""

from __future__ import annotations

from typing import Any


def schema_labels(schema: dict[str, Any]) -> list[str]:
    """Label values in schema order; for a rating schema, the scale points as strings."""
    labels = [str(entry["value"]) for entry in schema.get("labels", []) if "value" in entry]
    if labels or schema.get("kind") != "rating":
        return labels
    scale = schema.get("scale") or {}
    low, high = scale.get("min"), scale.get("max")
    if isinstance(low, int) and isinstance(high, int) and high - low <= 100:
        return [str(point) for point in range(low, high + 1)]
    return []


def value_labels(value: object) -> list[str]:
    """The labels one annotation value names (any kind), without duplicates, in order."""
    if not isinstance(value, dict):
        return []
    found: list[str] = []
    if "label" in value:
        found.append(str(value["label"]))
    if "rating" in value:
        found.append(str(value["rating"]))
    found.extend(str(label) for label in value.get("labels") or [])
    for key in ("spans", "boxes"):
        found.extend(
            str(part.get("label")) for part in value.get(key) or [] if isinstance(part, dict)
        )
    return list(dict.fromkeys(found))
