"""Box annotations in long form: one row per annotation, one row per box."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from review.metrics.long_form import annotation_rows, label_codes, labels_found
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
    label_list, code_of = label_codes(labels_found(annotations), labels)
    items, annotators, names, values = annotation_rows(annotations)
    boxes = [
        (row, b["x"], b["y"], b["width"], b["height"], code_of[b["label"]])
        for row, value in enumerate(values)
        for b in value
    ]
    table = np.array(boxes, dtype=np.float64).reshape(-1, 6)
    table = table[(table[:, 3] > 0) & (table[:, 4] > 0)]
    data = BoxAnnotations(
        items=items,
        annotators=annotators,
        n_items=len(keys),
        annotator_names=names,
        labels=label_list,
        box_rows=table[:, 0].astype(np.int64),
        x=table[:, 1],
        y=table[:, 2],
        width=table[:, 3],
        height=table[:, 4],
        codes=table[:, 5].astype(np.int64),
    )
    return data, keys
