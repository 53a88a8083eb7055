"""CSV in long form: id,text[,annotator,label] with one row per (item, annotator).

Optional columns: data (the item's data as a JSON object, as our export writes it), image,
value (the annotation value as JSON, for kinds a single label cannot express), created_at,
guideline_version, lead_time_ms, unsure, comment. Rows of one item need not be adjacent,
so items are gathered in memory before they are yielded (CSV imports are the small ones;
use JSON Lines for millions of items).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from labeling.importers.decoding import LineDecoder
from labeling.importers.records import ItemRecord, RowError
from labeling.importers.validate import ShapeError, annotation_from_object, external_id_of

TRUE_WORDS = {"1", "true", "yes", "t", "y"}


def read_csv_long(stream: BinaryIO, *, kind: str) -> Iterator[ItemRecord | RowError]:
    """Yield RowErrors as they are found, then one ItemRecord per distinct id, in file order."""
    decoder = LineDecoder(stream)
    lines = (text for _, text in decoder)
    reader = csv.reader(lines)
    header = [name.strip().lower() for name in next(reader, [])]
    yield from decoder.errors
    decoder.errors.clear()
    missing = [name for name in ("id",) if name not in header]
    if not {"text", "data", "image"} & set(header):
        missing.append("text")
    if missing:
        found = ", ".join(header) or "nothing"
        yield RowError(1, f"missing column(s) {', '.join(missing)}; the header has {found}")
        return
    items: dict[str, ItemRecord] = {}
    start = reader.line_num + 1
    for row in reader:
        yield from decoder.errors
        decoder.errors.clear()
        if any(cell.strip() for cell in row):
            error = _add_row(items, dict(zip(header, row, strict=False)), start, kind)
            if error is not None:
                yield error
        start = reader.line_num + 1
    yield from items.values()


def _add_row(items: dict[str, ItemRecord], row: dict[str, str], line: int, kind: str) -> RowError | None:
    try:
        external_id = external_id_of(row.get("id", ""))
        record = items.get(external_id)
        if record is None:
            record = items[external_id] = ItemRecord(line, external_id, _data(row))
        if (row.get("annotator") or "").strip():
            raw = {**row, "value": _value(row, kind), "unsure": _flag(row.get("unsure"))}
            record.annotations.append(annotation_from_object(raw, line, external_id))
    except ShapeError as error:
        return RowError(line, str(error))
    return None


def _data(row: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if (row.get("data") or "").strip():
        data = _json(row["data"], "data")
        if not isinstance(data, dict):
            raise ShapeError("the 'data' column must hold a JSON object")
    for key in ("text", "image"):
        if (row.get(key) or "") != "":
            data.setdefault(key, row[key])
    return data


def _value(row: dict[str, str], kind: str) -> object:
    if (row.get("value") or "").strip():
        return _json(row["value"], "value")
    label = (row.get("label") or "").strip()
    if not label:
        raise ShapeError(f"annotator {row['annotator'].strip()} has no label (column 'label' or 'value')")
    if kind == "rating":
        return {"rating": int(label) if label.lstrip("-").isdigit() else label}
    if kind == "multi":
        return {"labels": [part.strip() for part in label.split("|") if part.strip()]}
    return {"label": label}


def _json(raw: str, column: str) -> object:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise ShapeError(f"column '{column}' is not valid JSON: {error.msg}") from None


def _flag(raw: str | None) -> bool:
    return (raw or "").strip().lower() in TRUE_WORDS
