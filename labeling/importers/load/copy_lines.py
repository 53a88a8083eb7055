"""Turn checked ItemRecords into COPY text lines for a `CopyBatch` (labeling.importers.load.copy_batches).

The one COPY encoding of an import's rows, for both paths that COPY: the one-pass import
(built in the parsing process, labeling.importers.load.copy_producer) and the write pass of
the two-pass import on PostgreSQL (labeling.importers.load.write_pass, with stored images).
Lines leave out the item id (and the annotator id), which only the COPY side knows; the
columns every row shares (project, timestamps, defaults) are one precomputed suffix per table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from labeling.importers.load.columns import ANNOTATION_COLUMNS, ITEM_COLUMNS, PREDICTION_COLUMNS
from labeling.importers.load.copy_batches import CopyBatch
from labeling.importers.load.copy_table import CopyTable, copy_text, json_text, plain_text
from labeling.importers.parse.records import ItemRecord
from labeling.models import Annotation, Item, Prediction

NO_IMAGE = "\\N\t\\N\t\\N"  # image, width, height
StoredImage = tuple[str, int, int]  # (stored name, width, height)
NOT_PENDING = "f\t\\N"  # recompute_pending, recompute_pending_since: no labels, nothing to recompute
NOT_GOLD = "f"  # is_gold; gold_value follows (\\N when there is no gold answer)


def copy_tables(project_id: int, now: datetime) -> dict[str, CopyTable]:
    """The three tables an import writes, with the item id as first column of each."""
    constants = {"project_id": project_id}
    return {
        "items": CopyTable(Item, varying=("id", *ITEM_COLUMNS), constants=constants, now=now),
        "annotations": CopyTable(Annotation, varying=("item_id", *ANNOTATION_COLUMNS), constants=constants, now=now),
        "predictions": CopyTable(Prediction, varying=("item_id", *PREDICTION_COLUMNS), constants=constants, now=now),
    }


class LineBuilder:
    """Append one record's rows to a batch; the hot path of a large import, so plain strings."""

    def __init__(self, tables: dict[str, CopyTable], now: datetime) -> None:
        self.item_suffix = tables["items"].suffix
        self.annotation_suffix = tables["annotations"].suffix
        self.prediction_suffix = tables["predictions"].suffix
        self.now_text = now.isoformat()
        self.pending = f"t\t{self.now_text}"  # labeled items: flagged for the review drain
        self.values: dict[str, str] = {}  # single-label values repeat: {"label": x} -> its text

    def add(self, batch: CopyBatch, record: ItemRecord, image: StoredImage | None = None) -> None:
        index = len(batch.items)
        annotations = record.annotations
        image_text = NO_IMAGE if image is None else "\t".join(map(plain_text, image))
        batch.tally.add(annotations)
        batch.items.append(
            f"{copy_text(record.external_id)}\t{json_text(record.data)}\t{len(annotations)}\t{image_text}\t"
            f"{self.pending if annotations else NOT_PENDING}\t{NOT_GOLD if record.gold is None else 't'}"
            f"\t{json_text(record.gold)}{self.item_suffix}"
        )
        for a in annotations:
            created = self.now_text if a.created_at is None else a.created_at.isoformat()
            rest = (
                f"{self._value(a.value)}\t{created}\t{plain_text(a.guideline_version)}\t{plain_text(a.lead_time_ms)}\t"
                f"{'t' if a.unsure else 'f'}\t{copy_text(a.comment)}\t{'t' if a.prelabel_shown else 'f'}{self.annotation_suffix}"
            )
            batch.annotations.append((index, a.annotator, rest))
        for p in record.predictions:
            rest = (
                f"{copy_text(p.model)}\t{self._value(p.value)}\t{plain_text(p.score)}\t"
                f"{json_text(p.probabilities)}{self.prediction_suffix}"
            )
            batch.predictions.append((index, rest))

    def _value(self, value: Any) -> str:
        label = value.get("label") if len(value) == 1 else None
        if not isinstance(label, str):
            return json_text(value)
        text = self.values.get(label)
        if text is None:
            text = self.values[label] = json_text(value)
        return text
