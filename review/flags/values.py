"""How the flag detectors compare annotation values; the contract itself is labeling.values.

Two values agree when their class keys are equal (labeling.values.class_key: the label, the
rating, the label set, the sorted spans or boxes), so {"labels": ["a", "b"]} and
{"labels": ["b", "a"]} agree here exactly as they do in the votes. A shape the contract does not
know is compared by its canonical JSON.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable
from typing import Any

from labeling.values import class_key


def value_key(value: dict[str, Any] | None) -> Hashable:
    """The key values are compared by: equal keys mean the same annotation."""
    key = class_key(value)
    if key is not None:
        return ("class", key)
    return ("json", json.dumps(value, sort_keys=True, separators=(",", ":"), default=str))


def values_match(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Two values agree when both exist and name the same class."""
    if a is None or b is None:
        return False
    return value_key(a) == value_key(b)


def majority_share(values: list[dict[str, Any]]) -> float | None:
    """Share of the values equal to the most frequent one (the review app's item agreement).

    None with fewer than two values, where agreement is undefined.
    """
    if len(values) < 2:
        return None
    counts = Counter(value_key(value) for value in values)
    return max(counts.values()) / len(values)

