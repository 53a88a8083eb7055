"""Pass 2 of an import: write checked records in large batches, inside the caller's transaction.

PostgreSQL gets COPY with ids taken from the sequences beforehand; other databases get
bulk_create. Only ids (ints) are kept between batches, so memory does not grow with the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection

from labeling.importers.copy_rows import CopyTable, ids_reserve
from labeling.importers.images import ImageSource, image_inspect
from labeling.importers.records import ItemRecord
from labeling.models import Annotation, Item, Prediction, Project

BATCH_ITEMS = 5000


@dataclass
class WriteCounts:
    items: int = 0
    annotations: int = 0
    predictions: int = 0


class BatchWriter:
    """Collect records and write them every BATCH_ITEMS; call `flush()` once at the end."""

    def __init__(
        self, *, project: Project, annotator_ids: dict[str, int], now: datetime, images: ImageSource | None
    ) -> None:
        self.project = project
        self.annotator_ids = annotator_ids
        self.now = now
        self.images = images
        self.pending: list[ItemRecord] = []
        self.counts = WriteCounts()
        self.saved_files: list[str] = []
        self.use_copy = connection.vendor == "postgresql"
        if self.use_copy:
            self.tables = {
                Item: CopyTable(Item, now=now, with_id=True),
                Annotation: CopyTable(Annotation, now=now),
                Prediction: CopyTable(Prediction, now=now),
            }

    def add(self, record: ItemRecord) -> bool:
        """Queue one record; True when a batch was written (a moment to report progress)."""
        self.pending.append(record)
        if len(self.pending) >= BATCH_ITEMS:
            self.flush()
            return True
        return False

    def flush(self) -> None:
        if not self.pending:
            return
        rows = [self._item_values(record) for record in self.pending]
        ids = self._write_items(rows)
        annotations, predictions = [], []
        for item_id, record in zip(ids, self.pending, strict=True):
            annotations.extend(self._annotation_values(item_id, record))
            predictions.extend(self._prediction_values(item_id, record))
        self._write(Annotation, annotations)
        self._write(Prediction, predictions)
        self.counts.items += len(rows)
        self.counts.annotations += len(annotations)
        self.counts.predictions += len(predictions)
        self.pending = []

    def _item_values(self, record: ItemRecord) -> dict[str, Any]:
        values: dict[str, Any] = {
            "project_id": self.project.pk,
            "external_id": record.external_id,
            "data": record.data,
            "annotation_count": len(record.annotations),
            "created_at": self.now,
        }
        if self.images is not None and record.image_name:
            values["width"], values["height"] = image_inspect(self.images, record.image_name)
            values["image"] = self._store_image(record.image_name)
        return values

    def _store_image(self, name: str) -> str:
        """Copy one image into media storage; returns the stored name."""
        target = f"projects/{self.project.pk}/images/{PurePosixPath(name).as_posix().replace('/', '__')}"
        with self.images.open(name) as handle:  # type: ignore[union-attr]
            stored = default_storage.save(target, File(handle, name=PurePosixPath(name).name))
        self.saved_files.append(stored)
        return stored

    def _annotation_values(self, item_id: int, record: ItemRecord) -> list[dict[str, Any]]:
        return [
            {
                "project_id": self.project.pk,
                "item_id": item_id,
                "annotator_id": self.annotator_ids[a.annotator],
                "value": a.value,
                "guideline_version": a.guideline_version,
                "lead_time_ms": a.lead_time_ms,
                "prelabel_shown": a.prelabel_shown,
                "unsure": a.unsure,
                "comment": a.comment,
                "created_at": a.created_at or self.now,
                "updated_at": self.now,
            }
            for a in record.annotations
        ]

    def _prediction_values(self, item_id: int, record: ItemRecord) -> list[dict[str, Any]]:
        return [
            {
                "project_id": self.project.pk,
                "item_id": item_id,
                "model_version": p.model,
                "value": p.value,
                "score": p.score,
                "created_at": self.now,
            }
            for p in record.predictions
        ]

    def _write_items(self, rows: list[dict[str, Any]]) -> list[int]:
        if self.use_copy:
            ids = ids_reserve(Item, len(rows))
            for item_id, row in zip(ids, rows, strict=True):
                row["id"] = item_id
            self._write(Item, rows)
            return ids
        items = Item.objects.bulk_create([Item(**row) for row in rows], batch_size=1000)
        return [item.pk for item in items]

    def _write(self, model: type[Item | Annotation | Prediction], rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if self.use_copy:
            table = self.tables[model]
            table.copy(table.line(row) for row in rows)
            return
        # updated_at is auto_now: the ORM sets it; created_at of annotations comes from the file.
        model.objects.bulk_create([model(**row) for row in rows], batch_size=1000)

    def discard_files(self) -> None:
        """Delete images stored by a write that was rolled back."""
        for name in self.saved_files:
            default_storage.delete(name)
        self.saved_files = []
