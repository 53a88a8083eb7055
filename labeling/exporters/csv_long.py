"""CSV export in long form: one row per (item, annotation); items without any get one row.

Columns: id, text, data (JSON), annotator, label (readable), value (JSON, what the importer
reads back), created_at, guideline_version, lead_time_ms, unsure, comment, and the item's
aggregate, agreement and final (JSON) repeated on each of its rows. Predictions are left out.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from labeling.csv_formulas import csv_writer
from labeling.exporters.encode import decoded, encode
from labeling.exporters.rows import row_chunks
from labeling.models import Project

COLUMNS = (
    "id",
    "text",
    "data",
    "annotator",
    "label",
    "value",
    "created_at",
    "guideline_version",
    "lead_time_ms",
    "unsure",
    "comment",
    "aggregate",
    "agreement",
    "final",
)


def export_csv_long(project: Project, *, include: str = "all") -> Iterator[str]:
    """Yield text chunks of the CSV (header first), one chunk per CHUNK_ITEMS items."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for rows in row_chunks(project, include=include):
        for row in rows:
            writer.writerows(_lines(row))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def _lines(row: dict[str, Any]) -> list[list[object]]:
    data = decoded(row["data"])
    item = [row["id"], data.get("text", ""), _json(row["data"])]
    tail = [_json(row.get("aggregate")), row.get("agreement", ""), _json(row.get("final"))]
    annotations = row.get("annotations") or [None]
    return [item + _annotation(annotation) + tail for annotation in annotations]


def _annotation(annotation: dict[str, Any] | None) -> list[object]:
    if annotation is None:
        return ["", "", "", "", "", "", "", ""]
    return [
        annotation["annotator"],
        label_text(decoded(annotation["value"])),
        _json(annotation["value"]),
        annotation["created_at"] or "",
        _blank(annotation["guideline_version"]),
        _blank(annotation["lead_time_ms"]),
        "true" if annotation.get("unsure") else "",
        annotation.get("comment", ""),
    ]


def label_text(value: object) -> str:
    """A readable label for spreadsheets: the label, the rating, or labels joined by '|'."""
    if not isinstance(value, dict):
        return ""
    if "label" in value:
        return str(value["label"])
    if "rating" in value:
        return str(value["rating"])
    if "labels" in value:
        return "|".join(str(label) for label in value["labels"])
    return ""


def _json(value: object) -> str:
    return "" if value is None else encode(value)


def _blank(value: object) -> object:
    return "" if value is None else value
