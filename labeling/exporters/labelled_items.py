"""Read a project's items with their decoded values, in id-ordered chunks, for the format exporters.

The JSON Lines, JSON and CSV exporters splice JSON text (labeling.exporters.rows); the format
exporters (Label Studio, CoNLL, spaCy, COCO, YOLO) must look inside each value, so they read
decoded values here. Items come by keyset (id > last id) CHUNK_ITEMS at a time, with one query
for the chunk's annotations and one for its predictions when asked, so memory holds one chunk.

Which value a training format writes is the `source` option (SOURCES):
- "settled" (the default): the final value when a reviewer settled the item, else the
  aggregate; an item with neither is left out (writing it unlabelled would teach a model that
  it has no entities or objects);
- "final" / "aggregate": only that value; items without it are left out;
- "annotators": every annotation, one record per (item, annotator).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from labeling.models import Annotation, Item, Prediction, Project

CHUNK_ITEMS = 1000
SOURCES = ("settled", "final", "aggregate", "annotators")

ITEM_FIELDS = (
    "id",
    "external_id",
    "data",
    "width",
    "height",
    "aggregate_value",
    "aggregate_confidence",
    "aggregate_method",
    "final_value",
    "final_reviewer_id",
    "final_reviewer__username",
    "final_reviewer__email",
    "final_decided_at",
)


@dataclass(frozen=True)
class Person:
    """Who made an annotation or settled an item."""

    id: int
    username: str
    email: str


@dataclass(frozen=True)
class LabelRecord:
    """One annotation (or prediction) of an item, decoded."""

    id: int
    value: Any
    person: Person | None = None  # None for a prediction
    created_at: datetime | None = None
    lead_time_ms: int | None = None
    model_version: str = ""
    score: float | None = None


@dataclass
class ExportItem:
    """An item as the format exporters see it (pixel size from the item row, values decoded)."""

    pk: int
    external_id: str
    data: dict[str, Any]
    width: int | None
    height: int | None
    aggregate: Any
    aggregate_confidence: float | None
    aggregate_method: str
    final: Any
    final_reviewer: Person | None
    final_decided_at: datetime | None
    annotations: list[LabelRecord] = field(default_factory=list)
    predictions: list[LabelRecord] = field(default_factory=list)

    @property
    def text(self) -> str:
        text = self.data.get("text", "") if isinstance(self.data, dict) else ""
        return text if isinstance(text, str) else ""

    @property
    def file_name(self) -> str:
        """The image's name: data.image (its path in the imported zip or folder), else the item id."""
        image = self.data.get("image") if isinstance(self.data, dict) else None
        return image if isinstance(image, str) and image else self.external_id


def item_chunks(
    project: Project, *, annotations: bool = False, predictions: bool = False
) -> Iterator[list[ExportItem]]:
    """Yield lists of ExportItem, CHUNK_ITEMS per list, in item id order.

    annotations / predictions: also read each item's annotations (with their annotator) and
    predictions, in id order. Only the project's items are read.
    """
    last_id = 0
    while True:
        rows = list(
            Item.objects.filter(project=project, id__gt=last_id)
            .order_by("id")
            .values_list(*ITEM_FIELDS)[:CHUNK_ITEMS]
        )
        if not rows:
            return
        items = [_item(row) for row in rows]
        last_id = items[-1].pk
        by_id = {item.pk: item for item in items}
        if annotations:
            for item_id, record in _annotations(list(by_id)):
                by_id[item_id].annotations.append(record)
        if predictions:
            for item_id, record in _predictions(list(by_id)):
                by_id[item_id].predictions.append(record)
        yield items


def _item(row: tuple[Any, ...]) -> ExportItem:
    pk, external_id, data, width, height, aggregate, confidence, method, final, *rest = row
    reviewer_id, reviewer_name, reviewer_email, decided_at = rest
    reviewer = (
        None if reviewer_id is None else Person(reviewer_id, reviewer_name, reviewer_email or "")
    )
    return ExportItem(
        pk, external_id, data if isinstance(data, dict) else {}, width, height,
        aggregate, confidence, method, final, reviewer, decided_at,
    )  # fmt: skip


def _annotations(ids: list[int]) -> Iterator[tuple[int, LabelRecord]]:
    rows = (
        Annotation.objects.filter(item_id__in=ids)
        .order_by("item_id", "id")
        .values_list(
            "item_id", "id", "value", "annotator_id", "annotator__username", "annotator__email",
            "created_at", "lead_time_ms",
        )
    )  # fmt: skip
    people: dict[int, Person] = {}
    for item_id, pk, value, user_id, username, email, created_at, lead_time in rows.iterator():
        person = people.get(user_id) or people.setdefault(
            user_id, Person(user_id, username, email or "")
        )
        yield item_id, LabelRecord(pk, value, person, created_at, lead_time)


def _predictions(ids: list[int]) -> Iterator[tuple[int, LabelRecord]]:
    rows = (
        Prediction.objects.filter(item_id__in=ids)
        .order_by("item_id", "id")
        .values_list("item_id", "id", "value", "model_version", "score")
    )
    for item_id, pk, value, model_version, score in rows.iterator():
        yield item_id, LabelRecord(pk, value, model_version=model_version, score=score)


def chosen_values(item: ExportItem, source: str) -> list[tuple[str | None, Any]]:
    """The (annotator username or None, value) pairs `source` exports for an item (see module doc).

    "annotators" needs the item read with annotations=True.
    """
    if source == "annotators":
        return [
            (record.person.username if record.person else None, record.value)
            for record in item.annotations
        ]
    if source in ("settled", "final") and item.final is not None:
        return [(None, item.final)]
    if source in ("settled", "aggregate") and item.aggregate is not None:
        return [(None, item.aggregate)]
    return []
