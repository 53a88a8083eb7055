"""CSV in long form: id,text[,annotator,label] with one row per (item, annotator).

Optional columns: gold (the item's known answer: a label, or a value as JSON; on any of the
item's rows), data (the item's data as a JSON object, as our export writes it), image,
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

from django.conf import settings

from labeling.csv_formulas import cell_restore
from labeling.importers.parse.decoding import LineDecoder, item_too_large_message, nul_message
from labeling.importers.parse.records import ItemRecord, RowError
from labeling.importers.parse.shape import ShapeError, annotation_from_object, external_id_of
from labeling.nul_characters import JSON_NUL_ESCAPE, NUL, nul_found, text_may_hold_nul

TRUE_WORDS = {"1", "true", "yes", "t", "y"}
JSON_COLUMNS = ("data", "value")


def read_csv_long(stream: BinaryIO, *, kind: str) -> Iterator[ItemRecord | RowError]:
    """Yield RowErrors as they are found, then one ItemRecord per distinct id, in file order.

    A CSV syntax error (such as a cell over the csv module's field limit) ends the read.
    """
    reader = _Rows(LineDecoder(stream))
    try:
        yield from _read(reader, kind)
    except csv.Error as error:
        yield RowError(reader.line, _csv_error_message(error, reader.line))


class _Rows:
    """csv.reader over the decoder's lines, with the number of the line it reached."""

    def __init__(self, decoder: LineDecoder) -> None:
        self.decoder = decoder
        self.reader = csv.reader(text for _, text in decoder)

    @property
    def line(self) -> int:
        """The line being read (the csv module counts the lines it took in)."""
        return max(self.reader.line_num, 1)


def _csv_error_message(error: csv.Error, line: int) -> str:
    if "field limit" in str(error):
        return (
            f"a cell at line {line} is longer than {csv.field_size_limit():,} characters, the most "
            "a CSV cell may hold; import large items as JSON Lines"
        )
    return f"CSV syntax error at line {line}: {error}"


def _read(rows: _Rows, kind: str) -> Iterator[ItemRecord | RowError]:
    decoder, reader = rows.decoder, rows.reader
    header = [name.strip().lower() for name in next(reader, [])]
    unreadable = not header and bool(decoder.errors)  # UTF-16, or a first line over the limit
    yield from decoder.errors
    decoder.errors.clear()
    if unreadable:
        return
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
            cells = [cell_restore(cell) for cell in row]  # our export's formula quotes
            error = _add_row(items, dict(zip(header, cells, strict=False)), start, kind)
            if error is not None:
                yield error
        start = reader.line_num + 1
    yield from items.values()


def _add_row(items: dict[str, ItemRecord], row: dict[str, str], line: int, kind: str) -> RowError | None:
    problem = _row_problem(row, line)
    if problem is not None:
        return problem
    try:
        external_id = external_id_of(row.get("id", ""))
        record = items.get(external_id)
        if record is None:
            record = items[external_id] = ItemRecord(line, external_id, _data(row))
        if record.gold is None and (row.get("gold") or "").strip():
            record.gold = _gold(row["gold"].strip())
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


def _gold(cell: str) -> object:
    """The gold column: a value as JSON when it starts with "{", else a label."""
    return _json(cell, "gold") if cell.startswith("{") else cell


def _json(raw: str, column: str) -> object:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise ShapeError(f"column '{column}' is not valid JSON: {error.msg}") from None


def _flag(raw: str | None) -> bool:
    return (raw or "").strip().lower() in TRUE_WORDS


def _row_problem(row: dict[str, str], line: int) -> RowError | None:
    """The row's size over the item limit, or a NUL in a cell or in its JSON columns' values."""
    limit = settings.ACCORD_MAX_ITEM_BYTES
    size = sum(len(cell) for cell in row.values())
    if size * 4 > limit:  # only then can the UTF-8 size be over the limit
        size = sum(len(cell.encode("utf-8", errors="replace")) for cell in row.values())
        if size > limit:
            return RowError(line, item_too_large_message(size, limit, line))
    if any(text_may_hold_nul(cell) for cell in row.values()) and _row_holds_nul(row):
        return RowError(line, nul_message(line))
    return None


def _row_holds_nul(row: dict[str, str]) -> bool:
    if any(NUL in cell for cell in row.values()):
        return True
    for column in JSON_COLUMNS:
        raw = row.get(column) or ""
        if JSON_NUL_ESCAPE in raw:
            try:
                if nul_found(json.loads(raw)):
                    return True
            except json.JSONDecodeError:
                continue  # reported as invalid JSON by the row's own check
    return False
