"""Read annotation values of any schema kind as label keys, so detectors compare like with like."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any


def value_labels(value: dict[str, Any] | None) -> tuple[str, ...]:
    """The label keys a value carries, sorted: single -> 1, multi/spans/boxes -> many, rating -> 1.

    None or an unknown shape gives ().
    """
    if not isinstance(value, dict):
        return ()
    if "label" in value:
        return (str(value["label"]),)
    if "rating" in value:
        return (str(value["rating"]),)
    if isinstance(value.get("labels"), list):
        return tuple(sorted(str(label) for label in value["labels"]))
    for key in ("spans", "boxes"):
        if isinstance(value.get(key), list):
            return tuple(
                sorted(str(part.get("label")) for part in value[key] if isinstance(part, dict))
            )
    return ()


def value_key(value: dict[str, Any] | None) -> str:
    """A canonical string for a value: equal keys mean the same annotation."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def values_match(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Two values agree when they are the same after canonical ordering."""
    if a is None or b is None:
        return False
    if {"labels"} >= set(a) | set(b):
        return value_labels(a) == value_labels(b)
    return value_key(a) == value_key(b)


def majority_share(values: list[dict[str, Any]]) -> float | None:
    """Share of the values equal to the most frequent one (the review app's item agreement).

    None with fewer than two values, where agreement is undefined.
    """
    if len(values) < 2:
        return None
    counts = Counter(value_key(value) for value in values)
    return max(counts.values()) / len(values)


def majority_value(values: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The most frequent value (first seen wins ties); None for no values."""
    if not values:
        return None
    counts = Counter(value_key(value) for value in values)
    best = max(counts.values())
    return next(value for value in values if counts[value_key(value)] == best)
