"""Pass 2 of the two-pass import: write checked records in large batches, in the caller's transaction.

Used on SQLite, and on PostgreSQL for imports that store image files (a zip or folder); text
imports on PostgreSQL take the one-pass path (labeling.importers.load.copy). `BatchWriter`
stores each record's image (under a name of Accord's) and hands the record to a sink:
- `CopySink` (PostgreSQL): the COPY lines of the one-pass import (labeling.importers.load.
  copy_lines), COPYed by a background thread (labeling.importers.load.copy_batches) while the
  main thread reads and stores the next batch's images;
- `OrmSink` (elsewhere): bulk_create, synchronously.
Only a batch is held at a time, so memory does not grow with the file.
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
from labeling.importers.load.columns import ANNOTATION_COLUMNS, ITEM_COLUMNS, PREDICTION_COLUMNS
from labeling.importers.load.copy_batches import BatchCopier, CopyBatch
from labeling.importers.load.copy_lines import LineBuilder, StoredImage, copy_tables
from labeling.importers.parse.images import ImageSource, image_inspect
from labeling.importers.parse.records import ItemRecord
from labeling.importers.tally import ImportTally
from labeling.models import Annotation, Item, Prediction, Project

BATCH_ITEMS = 5000

# One ORM batch: per item, its column values, its annotations' and its predictions' values.
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
        self.now = now
        self.images = images
        self.counts = WriteCounts()
        self.tally = ImportTally()  # for the project counters
        self.saved_files: list[str] = []
        use_copy = connection.vendor == "postgresql"
        sink = CopySink if use_copy else OrmSink
        self.sink: CopySink | OrmSink = sink(project, annotator_ids, now)

    def add(self, record: ItemRecord) -> bool:
        """Queue one record; True when a batch was handed on (a moment to report progress)."""
        image = None
        if self.images is not None and record.image_name:
            width, height, detected = image_inspect(self.images, record.image_name)
            image = (self._store_image(record.image_name, detected), width, height)
        self.counts.items += 1
        self.counts.annotations += len(record.annotations)
        self.counts.predictions += len(record.predictions)
        self.tally.add(record.annotations)
        return self.sink.add(record, image)

    def close(self) -> None:
        """Write what is left and wait until everything is in the database."""
        self.sink.close()

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

    def __init__(self, project: Project, annotator_ids: dict[str, int], now: datetime) -> None:
        self.project = project
        self.annotator_ids = annotator_ids
        self.now = now
        self.pending: Batch = []

    def add(self, record: ItemRecord, image: StoredImage | None) -> bool:
        self.pending.append(self._values(record, image))
        if len(self.pending) < BATCH_ITEMS:
            return False
        self._write(self.pending)
        self.pending = []
        return True

    def close(self) -> None:
        if self.pending:
            self._write(self.pending)
            self.pending = []

    def abort(self) -> None:
        return None

    def _values(self, record: ItemRecord, image: StoredImage | None) -> tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        stored, width, height = image or (None, None, None)
        pending = bool(record.annotations)
        since = self.now if pending else None
        gold = record.gold
        item = (record.external_id, record.data, len(record.annotations), stored, width, height, pending, since, gold is not None, gold)
        ids = self.annotator_ids
        annotations = [
            (ids[a.annotator], a.value, a.created_at or self.now, a.guideline_version, a.lead_time_ms, a.unsure, a.comment, a.prelabel_shown)
            for a in record.annotations
        ]
        predictions = [(p.model, p.value, p.score, p.probabilities) for p in record.predictions]
        return item, annotations, predictions

    def _write(self, batch: Batch) -> None:
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


class CopySink:
    """COPY batches from a background thread on the same (transactional) connection.

    The main thread must not use the database between the first add() and close(): the
    raw psycopg2 connection is shared, and psycopg2 allows that across threads.
    """

    def __init__(self, project: Project, annotator_ids: dict[str, int], now: datetime) -> None:
        self.project_id = project.pk
        self.annotator_ids = annotator_ids
        self.tables = copy_tables(project.pk, now)
        self.builder = LineBuilder(self.tables, now)
        self.lines = CopyBatch()
        with connection.cursor() as cursor:
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: checked one by one at
            # commit, serially. Checked per COPY instead, they run in the writer thread,
            # while the main thread parses the next batch. (This transaction only.)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.raw = connection.connection
        self.batches: queue.Queue[CopyBatch | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="import-copy", daemon=True)
        self.thread.start()

    def add(self, record: ItemRecord, image: StoredImage | None) -> bool:
        self.builder.add(self.lines, record, image)
        if len(self.lines.items) < BATCH_ITEMS:
            return False
        self._hand_on()
        return True

    def close(self) -> None:
        """Hand on what is left and wait until everything is in the database."""
        if self.lines.items:
            self._hand_on()
        self.batches.put(None)
        self.thread.join()
        self._raise()

    def abort(self) -> None:
        if self.thread.is_alive():
            self.batches.put(None)
            self.thread.join()

    def _hand_on(self) -> None:
        self._raise()
        self.batches.put(self.lines)
        self.lines = CopyBatch()

    def _raise(self) -> None:
        if self.error is not None:
            with connection.wrap_database_errors:  # psycopg2 errors -> django.db errors
                raise self.error

    def _run(self) -> None:
        with self.raw.cursor() as cursor:
            copier = None
            while (batch := self.batches.get()) is not None:
                if self.error is None:
                    try:
                        copier = copier or BatchCopier(cursor, project_id=self.project_id, tables=self.tables, annotator_ids=self.annotator_ids)
                        copier.write(batch)
                    except BaseException as error:  # handed to the main thread by _raise
                        self.error = error
