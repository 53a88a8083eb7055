"""Annotation values <-> class labels (strings), the form the classifiers learn.

single: {"label": "positive"} <-> "positive"; rating: {"rating": 4} <-> "4" (ratings are treated
as classes); multi: {"labels": ["a", "b"]} <-> "a|b" (the label set as one class). Spans and
boxes have no class form: `class_of` returns None for them and for missing values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CLASS_KINDS = ("single", "multi", "rating")
MULTI_SEPARATOR = "|"


def class_of(kind: str, value: object) -> str | None:
    """The class label of an annotation value, or None when it has none."""
    if not isinstance(value, dict):
        return None
    if kind == "single" and isinstance(value.get("label"), str):
        return str(value["label"])
    if kind == "rating" and isinstance(value.get("rating"), int):
        return str(value["rating"])
    if kind == "multi" and isinstance(value.get("labels"), list):
        return MULTI_SEPARATOR.join(sorted(str(label) for label in value["labels"]))
    return None


def value_of(kind: str, label: str) -> dict[str, Any]:
    """The annotation value for a class label (inverse of `class_of`)."""
    if kind == "rating":
        return {"rating": int(label)}
    if kind == "multi":
        return {"labels": [part for part in label.split(MULTI_SEPARATOR) if part]}
    return {"label": label}


def value_maker(kind: str) -> Callable[[str], dict[str, Any]]:
    """A one-argument converter bound to `kind` (what the backends call per prediction)."""
    return lambda label: value_of(kind, label)


def same_value(kind: str, left: object, right: object) -> bool:
    """True when two values name the same class (False if either has no class form)."""
    a, b = class_of(kind, left), class_of(kind, right)
    return a is not None and a == b
