"""Staged writes (PostgreSQL, imports without image files): pass 1 also writes COPY-ready rows.

While pass 1 checks each record it appends the record's rows, in COPY text format, to
temporary files, with an item ordinal and an annotator ordinal in place of the ids. If the
check passes, pass 2 reads these files instead of parsing the import again: it only takes
ids from the sequence, puts them in front of each line and COPYs. Nothing reaches the
database before pass 1 has accepted the whole file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from django.db import connection

from labeling.importers.copy_rows import CopyTable, copy_text, ids_reserve, json_text, plain_text
from labeling.importers.records import ItemRecord
from labeling.importers.writer import (
    ANNOTATION_COLUMNS,
    BATCH_ITEMS,
    ITEM_COLUMNS,
    PREDICTION_COLUMNS,
    WriteCounts,
)
from labeling.models import Annotation, Item, Prediction, Project


class Stage:
    """Temporary COPY files for one import; `add` each checked record, then `write`."""

    def __init__(self, folder: Path, *, now: datetime) -> None:
        self.now = now
        self.now_text = now.isoformat()
        self.paths = {name: folder / f"{name}.tsv" for name in ("items", "annotations", "predictions")}
        self.files: dict[str, TextIO] = {name: path.open("w", encoding="utf-8") for name, path in self.paths.items()}
        self.names: dict[str, int] = {}
        self.counts = WriteCounts()

    def add(self, record: ItemRecord) -> None:
        """Append the rows of one checked (normalised) record."""
        ordinal = self.counts.items
        self.counts.items += 1
        self.files["items"].write(
            f"{copy_text(record.external_id)}\t{json_text(record.data)}\t{len(record.annotations)}\t\\N\t\\N\t\\N\n"
        )
        for a in record.annotations:
            annotator = self.names.setdefault(a.annotator, len(self.names))
            created = a.created_at.isoformat() if a.created_at else self.now_text
            self.files["annotations"].write(
                f"{ordinal}\t{annotator}\t{json_text(a.value)}\t{created}\t{plain_text(a.guideline_version)}\t"
                f"{plain_text(a.lead_time_ms)}\t{plain_text(a.unsure)}\t{copy_text(a.comment)}\t{plain_text(a.prelabel_shown)}\n"
            )
        for p in record.predictions:
            self.files["predictions"].write(f"{ordinal}\t{copy_text(p.model)}\t{json_text(p.value)}\t{plain_text(p.score)}\n")
        self.counts.annotations += len(record.annotations)
        self.counts.predictions += len(record.predictions)

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()

    def write(self, *, project: Project, annotator_ids: dict[str, int], progress: Callable[[int, int], None] | None) -> WriteCounts:
        """Pass 2: COPY the staged rows in batches of BATCH_ITEMS items, inside the caller's transaction."""
        self.close()
        users = [annotator_ids[name] for name in sorted(self.names, key=self.names.__getitem__)]
        constants = {"project_id": project.pk, "created_at": self.now, "updated_at": self.now}
        tables = {
            "items": CopyTable(Item, varying=("id", *ITEM_COLUMNS), constants=constants, now=self.now),
            "annotations": CopyTable(Annotation, varying=("item_id", *ANNOTATION_COLUMNS), constants=constants, now=self.now),
            "predictions": CopyTable(Prediction, varying=("item_id", *PREDICTION_COLUMNS), constants=constants, now=self.now),
        }
        with connection.cursor() as wrapper, connection.wrap_database_errors:
            cursor = wrapper.cursor
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            with self.paths["items"].open(encoding="utf-8") as items, _Rows(self.paths["annotations"]) as labels, _Rows(self.paths["predictions"]) as guesses:
                start = 0
                while batch := list(islice(items, BATCH_ITEMS)):
                    ids = ids_reserve(cursor, Item, len(batch))
                    suffix = tables["items"].suffix
                    tables["items"].copy_text(cursor, "".join(f"{i}\t{line[:-1]}{suffix}" for i, line in zip(ids, batch, strict=True)))
                    _copy_children(cursor, tables["annotations"], labels.until(start + len(batch)), ids, start, users)
                    _copy_children(cursor, tables["predictions"], guesses.until(start + len(batch)), ids, start, None)
                    start += len(batch)
                    if progress is not None:
                        progress(start, self.counts.items)
        return self.counts


def _copy_children(cursor: Any, table: CopyTable, lines: list[str], ids: list[int], start: int, users: list[int] | None) -> None:
    """COPY annotation or prediction lines, swapping ordinals for the real ids."""
    if not lines:
        return
    out = []
    for line in lines:
        ordinal, rest = line.split("\t", 1)
        if users is not None:
            annotator, rest = rest.split("\t", 1)
            rest = f"{users[int(annotator)]}\t{rest}"
        out.append(f"{ids[int(ordinal) - start]}\t{rest[:-1]}{table.suffix}")
    table.copy_text(cursor, "".join(out))


class _Rows:
    """Read a staged child file in item order: `until(n)` returns the lines of items < n."""

    def __init__(self, path: Path) -> None:
        self.handle = path.open(encoding="utf-8")
        self.next_line = self.handle.readline()

    def __enter__(self) -> _Rows:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def until(self, end: int) -> list[str]:
        lines = []
        while self.next_line and int(self.next_line.split("\t", 1)[0]) < end:
            lines.append(self.next_line)
            self.next_line = self.handle.readline()
        return lines
