"""Annotation rows from an item -> [(annotator, value)] mapping, shared by the span and box inputs."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np

from review.metrics.tables import IntArray

Value = TypeVar("Value")


def annotation_rows(
    annotations: Mapping[Hashable, Sequence[tuple[str, Value]]],
) -> tuple[IntArray, IntArray, list[str], list[Value]]:
    """(item index, annotator index) per annotation row, annotator names, and each row's value.

    Items are indexed in mapping order and annotators in first-seen order. A second
    annotation of the same item by the same annotator is ignored (the first counts),
    as the database allows only one (toxic_spans has one such repeat).
    """
    names: dict[str, int] = {}
    items: list[int] = []
    annotators: list[int] = []
    values: list[Value] = []
    for u, rows in enumerate(annotations.values()):
        seen: set[str] = set()
        for annotator, value in rows:
            if annotator in seen:
                continue
            seen.add(annotator)
            items.append(u)
            annotators.append(names.setdefault(annotator, len(names)))
            values.append(value)
    return (
        np.array(items, dtype=np.int64),
        np.array(annotators, dtype=np.int64),
        list(names),
        values,
    )


def label_codes(found: set[str], labels: Sequence[str] | None) -> tuple[list[str], dict[str, int]]:
    """The label order (``labels``, or the labels found, sorted) and each label's code.

    Raises ValueError when a label found is not among ``labels``.
    """
    order = list(labels) if labels is not None else sorted(found)
    code_of = {label: c for c, label in enumerate(order)}
    if unknown := found - set(code_of):
        raise ValueError(f"labels not in the schema: {sorted(unknown)}")
    return order, code_of


def labels_found(annotations: Mapping[Hashable, Sequence[tuple[str, Any]]]) -> set[str]:
    """Every label used by a span or box of any annotation."""
    return {part["label"] for rows in annotations.values() for _, parts in rows for part in parts}
