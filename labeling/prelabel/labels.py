"""Annotation values <-> class labels (strings), the form the classifiers learn.

The class is labeling.values.class_key written as text (that module reads the value contract).

single: {"label": "positive"} <-> "positive"; rating: {"rating": 4} <-> "4" (ratings are treated
as classes); multi: {"labels": ["a", "b"]} <-> "a|b" (the label set as one class). Spans and
boxes have no class form: `class_of` returns None for them and for missing values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from labeling.values import CLASS_KINDS, class_key

MULTI_SEPARATOR = "|"


def class_of(kind: str, value: object) -> str | None:
    """The class label of an annotation value (its labeling.values class key as text), or None."""
    if kind not in CLASS_KINDS:
        return None
    key = class_key(value, kind)
    if isinstance(key, tuple):
        return MULTI_SEPARATOR.join(str(label) for label in key)
    return None if key is None else str(key)


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
