"""Box annotations in long form: one row per annotation, one row per box."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from review.metrics.tables import FloatArray, IntArray

# item key -> [(annotator name, [{"x", "y", "width", "height", "label"}, ...]), ...]
BoxMapping = Mapping[Hashable, Sequence[tuple[str, Sequence[Mapping[str, Any]]]]]


@dataclass(frozen=True)
class BoxAnnotations:
    """Annotation rows (``items``, ``annotators``) and box rows pointing at them.

    Box row b belongs to annotation row ``box_rows[b]``: top-left (``x``, ``y``),
    ``width`` and ``height`` in pixels, label code ``codes[b]`` (index into
    ``labels``). An annotation without box rows is an empty box list.
    """

    items: IntArray
    annotators: IntArray
    n_items: int
    annotator_names: Sequence[str]
    labels: Sequence[str]
    box_rows: IntArray
    x: FloatArray
    y: FloatArray
    width: FloatArray
    height: FloatArray
    codes: IntArray

    @property
    def n_annotators(self) -> int:
        """Number of annotator slots (names)."""
        return len(self.annotator_names)


def _index(names: dict[Any, int], key: Any) -> int:
    """Dense index of ``key``, assigned in first-seen order."""
    return names.setdefault(key, len(names))


def box_annotations(
    annotations: BoxMapping, labels: Sequence[str] | None = None
) -> tuple[BoxAnnotations, list[Hashable]]:
    """Long-form box annotations from an item -> [(annotator, boxes)] mapping.

    ``labels`` fixes the label order; by default the labels seen, sorted. A box
    label outside ``labels`` raises ValueError; boxes with no area are dropped;
    a second annotation of an item by the same annotator is ignored.
    Returns the data and the item keys in item-index order.
    """
    keys = list(annotations)
    found = sorted(
        {b["label"] for rows in annotations.values() for _, boxes in rows for b in boxes}
    )
    label_list = list(labels) if labels is not None else found
    code_of = {label: c for c, label in enumerate(label_list)}
    if unknown := set(found) - set(code_of):
        raise ValueError(f"labels not in the schema: {sorted(unknown)}")
    names: dict[str, int] = {}
    rows: list[tuple[int, int]] = []
    boxes: list[tuple[float, ...]] = []
    for u, key in enumerate(keys):
        seen: set[str] = set()
        for annotator, value in annotations[key]:
            if annotator in seen:
                continue
            seen.add(annotator)
            row = len(rows)
            rows.append((u, _index(names, annotator)))
            boxes.extend(
                (row, b["x"], b["y"], b["width"], b["height"], code_of[b["label"]]) for b in value
            )
    ann = np.array(rows, dtype=np.int64).reshape(-1, 2)
    bx = np.array(boxes, dtype=np.float64).reshape(-1, 6)
    bx = bx[(bx[:, 3] > 0) & (bx[:, 4] > 0)]
    data = BoxAnnotations(
        items=ann[:, 0],
        annotators=ann[:, 1],
        n_items=len(keys),
        annotator_names=list(names),
        labels=label_list,
        box_rows=bx[:, 0].astype(np.int64),
        x=bx[:, 1],
        y=bx[:, 2],
        width=bx[:, 3],
        height=bx[:, 4],
        codes=bx[:, 5].astype(np.int64),
    )
    return data, keys
