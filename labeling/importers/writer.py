"""Pass 2 of an import from records: write them in large batches, in the caller's transaction.

Used for SQLite (bulk_create) and for imports that store image files; text imports on
PostgreSQL take the one-pass path (labeling.importers.one_pass). On PostgreSQL a background
thread COPYs each batch (ids taken from the sequence first) while the main thread parses the
next one. Only ids (ints) are kept, so memory does not grow with the file.
"""

from __future__ import annotations

import queue
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection

from labeling.image_types import ImageType
from labeling.importers.copy_rows import CopyTable, ids_reserve
from labeling.importers.images import ImageSource, image_inspect
from labeling.importers.records import ItemRecord
from labeling.importers.tally import ImportTally
from labeling.models import Annotation, Item, Prediction, Project

BATCH_ITEMS = 5000
# An item that arrives with annotations is flagged for the review drain in the same write, so
# an import recomputes exactly its labeled items and schedules nothing for unlabeled ones.
ITEM_COLUMNS = (
    "external_id",
    "data",
    "annotation_count",
    "image",
    "width",
    "height",
    "recompute_pending",
    "recompute_pending_since",
    "is_gold",
    "gold_value",
)
ANNOTATION_COLUMNS = (
    "annotator_id",
    "value",
    "created_at",
    "guideline_version",
    "lead_time_ms",
    "unsure",
    "comment",
    "prelabel_shown",
)
PREDICTION_COLUMNS = ("model_version", "value", "score", "probabilities")

# One batch: per item, its column values, its annotations' and its predictions' values.
Batch = list[tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]]]


@dataclass
class WriteCounts:
    items: int = 0
    annotations: int = 0
    predictions: int = 0


class BatchWriter:
    """Collect records and write them every BATCH_ITEMS; call `close()` once at the end."""

    def __init__(
        self, *, project: Project, annotator_ids: dict[str, int], now: datetime, images: ImageSource | None
    ) -> None:
        self.project = project
        self.annotator_ids = annotator_ids
        self.now = now
        self.images = images
        self.pending: Batch = []
        self.counts = WriteCounts()
        self.tally = ImportTally()  # for the project counters
        self.saved_files: list[str] = []
        use_copy = connection.vendor == "postgresql"
        self.sink: CopySink | OrmSink = CopySink(project, now) if use_copy else OrmSink(project, now)

    def add(self, record: ItemRecord) -> bool:
        """Queue one record; True when a batch was handed on (a moment to report progress)."""
        self.pending.append(self._values(record))
        self.counts.items += 1
        self.counts.annotations += len(record.annotations)
        self.counts.predictions += len(record.predictions)
        self.tally.add(record.annotations)
        if len(self.pending) >= BATCH_ITEMS:
            self.sink.write(self.pending)
            self.pending = []
            return True
        return False

    def close(self) -> None:
        """Write what is left and wait until everything is in the database."""
        if self.pending:
            self.sink.write(self.pending)
            self.pending = []
        self.sink.close()

    def _values(self, record: ItemRecord) -> tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        image, width, height = None, None, None
        if self.images is not None and record.image_name:
            width, height, detected = image_inspect(self.images, record.image_name)
            image = self._store_image(record.image_name, detected)
        pending = bool(record.annotations)
        since = self.now if pending else None
        gold = record.gold
        item = (record.external_id, record.data, len(record.annotations), image, width, height, pending, since, gold is not None, gold)
        ids = self.annotator_ids
        annotations = [
            (ids[a.annotator], a.value, a.created_at or self.now, a.guideline_version, a.lead_time_ms, a.unsure, a.comment, a.prelabel_shown)
            for a in record.annotations
        ]
        predictions = [(p.model, p.value, p.score, p.probabilities) for p in record.predictions]
        return item, annotations, predictions

    def _store_image(self, name: str, detected: ImageType) -> str:
        """Copy one image into media storage; returns the stored name.

        The name is Accord's (random, with the extension of the detected format), never the
        one in the file: a PNG named poly.html must not become an .html file (issue 21).
        """
        stored_name = f"{secrets.token_hex(16)}.{detected.extension}"
        target = f"projects/{self.project.pk}/images/{stored_name}"
        with self.images.open(name) as handle:  # type: ignore[union-attr]
            stored = default_storage.save(target, File(handle, name=stored_name))
        self.saved_files.append(stored)
        return stored

    def discard(self) -> None:
        """After a failure: stop the sink and delete the images stored so far."""
        self.sink.abort()
        for name in self.saved_files:
            default_storage.delete(name)
        self.saved_files = []


class OrmSink:
    """bulk_create, synchronously (SQLite and other databases)."""

    def __init__(self, project: Project, now: datetime) -> None:
        self.project = project
        self.now = now

    def write(self, batch: Batch) -> None:
        items = Item.objects.bulk_create(
            [Item(project=self.project, created_at=self.now, **dict(zip(ITEM_COLUMNS, values, strict=True))) for values, _, _ in batch],
            batch_size=1000,
        )
        annotations, predictions = [], []
        for item, (_, labels, guesses) in zip(items, batch, strict=True):
            annotations += [Annotation(project=self.project, item_id=item.pk, **dict(zip(ANNOTATION_COLUMNS, a, strict=True))) for a in labels]
            predictions += [Prediction(project=self.project, item_id=item.pk, **dict(zip(PREDICTION_COLUMNS, p, strict=True))) for p in guesses]
        Annotation.objects.bulk_create(annotations, batch_size=1000)
        Prediction.objects.bulk_create(predictions, batch_size=1000)

    def close(self) -> None:
        return None

    def abort(self) -> None:
        return None


class CopySink:
    """COPY batches from a background thread on the same (transactional) connection.

    The main thread must not use the database between the first write() and close(): the
    raw psycopg2 connection is shared, and psycopg2 allows that across threads.
    """

    def __init__(self, project: Project, now: datetime) -> None:
        constants = {"project_id": project.pk}
        self.items = CopyTable(Item, varying=("id", *ITEM_COLUMNS), constants=constants, now=now)
        self.annotations = CopyTable(Annotation, varying=("item_id", *ANNOTATION_COLUMNS), constants=constants, now=now)
        self.predictions = CopyTable(Prediction, varying=("item_id", *PREDICTION_COLUMNS), constants=constants, now=now)
        with connection.cursor() as cursor:
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: checked one by one at
            # commit, serially. Checked per COPY instead, they run in the writer thread,
            # while the main thread parses the next batch. (This transaction only.)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.raw = connection.connection
        self.batches: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="import-copy", daemon=True)
        self.thread.start()

    def write(self, batch: Batch) -> None:
        self._raise()
        self.batches.put(batch)

    def close(self) -> None:
        self.batches.put(None)
        self.thread.join()
        self._raise()

    def abort(self) -> None:
        if self.thread.is_alive():
            self.batches.put(None)
            self.thread.join()

    def _raise(self) -> None:
        if self.error is not None:
            with connection.wrap_database_errors:  # psycopg2 errors -> django.db errors
                raise self.error

    def _run(self) -> None:
        with self.raw.cursor() as cursor:
            while (batch := self.batches.get()) is not None:
                if self.error is None:
                    try:
                        self._copy(cursor, batch)
                    except BaseException as error:  # handed to the main thread by _raise
                        self.error = error

    def _copy(self, cursor: Any, batch: Batch) -> None:
        ids = ids_reserve(cursor, Item, len(batch))
        self.items.copy(cursor, ((item_id, *values) for item_id, (values, _, _) in zip(ids, batch, strict=True)))
        labels = [(item_id, *a) for item_id, (_, annotations, _) in zip(ids, batch, strict=True) for a in annotations]
        if labels:
            self.annotations.copy(cursor, labels)
        guesses = [(item_id, *p) for item_id, (_, _, predictions) in zip(ids, batch, strict=True) for p in predictions]
        if guesses:
            self.predictions.copy(cursor, guesses)
