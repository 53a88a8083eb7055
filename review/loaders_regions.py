"""Load a spans or boxes project's annotations into the pure metrics' long form.

Values are read through labeling.values.class_key, so a malformed part (or one naming a
label the schema no longer declares) is left out rather than failing the run. Annotators
are named by their user id (the metrics only need distinct names).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from labeling.models import Annotation, Item, Project
from labeling.values import declared_labels
from review.flags.regions import value_parts
from review.metrics.boxes.inputs import BoxAnnotations, box_annotations
from review.metrics.spans.inputs import SpanAnnotations, span_annotations


@dataclass(frozen=True)
class RegionData:
    """The project's span (or box) annotations in long form and the item pk of each index."""

    kind: str
    labels: list[str]
    spans: SpanAnnotations | None
    boxes: BoxAnnotations | None
    item_ids: np.ndarray  # item index -> Item.pk


def region_data(project: Project, item_ids: Sequence[int] | None = None) -> RegionData:
    """The annotations of `project` (or of `item_ids` only), items in pk order."""
    kind, labels = project.kind, declared_labels(project.schema)
    rows = Annotation.objects.filter(project=project)
    if item_ids is not None:
        rows = rows.filter(item_id__in=list(item_ids))
    mapping: dict[int, list[tuple[str, list[dict[str, Any]]]]] = {}
    for item_id, annotator_id, value in rows.order_by("item_id", "id").values_list(
        "item_id", "annotator_id", "value"
    ):
        parts = value_parts(kind, value, labels)
        mapping.setdefault(item_id, []).append((str(annotator_id), parts))
    ordered = dict(sorted(mapping.items()))
    ids = np.array(list(ordered), dtype=np.int64)
    if kind == "spans":
        texts = _texts(ordered)
        spans, _ = span_annotations(ordered, texts, labels)
        return RegionData(kind, labels, spans, None, ids)
    boxes, _ = box_annotations(ordered, labels)
    return RegionData(kind, labels, None, boxes, ids)


def _texts(mapping: dict[int, Any]) -> dict[int, str]:
    """The text of each item (an empty string when the item has none)."""
    data = dict(Item.objects.filter(pk__in=list(mapping)).values_list("id", "data"))
    texts = {}
    for pk in mapping:
        text = data.get(pk, {}).get("text") if isinstance(data.get(pk), dict) else None
        texts[pk] = text if isinstance(text, str) else ""
    return texts
