"""Prodigy's JSONL export (db-out): one line per answer, several answers per input.

Lines with the same _input_hash are one item (its id is that hash). The annotator is
"_annotator_id", else "_session_id" (Prodigy's "dataset-name" session), else the file's name.
Only "accept" answers become annotations ("reject" and "ignore" say what the label is not, or
nothing). The value comes from "accept" with "options" (choice), "spans" ({start, end,
label}), or the line's "label" (binary classification).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from labeling.importers.parse.foreign.base import (
    FormatContext,
    FormatError,
    jsonl_objects,
    record_of,
    value_for_labels,
)
from labeling.importers.parse.records import ItemRecord, RowError

TITLE = "Prodigy JSONL"
ANSWERS = ("accept", "reject", "ignore")


def read_prodigy(stream: BinaryIO, context: FormatContext) -> Iterator[ItemRecord | RowError]:
    items: dict[str, tuple[int, dict[str, Any]]] = {}
    for found in jsonl_objects(stream, TITLE):
        if isinstance(found, RowError):
            yield found
            continue
        line, obj = found
        try:
            _add(items, obj, line, context)
        except FormatError as error:
            yield RowError(line, f"{TITLE}, line {line}: {error.message}")
    for line, item in items.values():
        yield record_of(item, line)


def _add(items: dict[str, tuple[int, dict[str, Any]]], obj: dict[str, Any], line: int, context: FormatContext) -> None:
    key = context.data_key
    if not isinstance(obj.get(key), str):
        raise FormatError(0, f"each line needs a '{key}' string")
    answer = obj.get("answer")
    if answer not in ANSWERS:
        raise FormatError(0, f"'answer' must be one of {', '.join(ANSWERS)}; got {answer!r}")
    item_id = str(obj.get("_input_hash", obj[key]))
    if item_id not in items:
        items[item_id] = (line, {"id": item_id, "data": {key: obj[key]}, "annotations": []})
    if answer == "accept":
        name = obj.get("_annotator_id") or obj.get("_session_id") or context.file_annotator
        value = _value(obj, context.kind, f"item {item_id}")
        items[item_id][1]["annotations"].append({"annotator": str(name), "value": value})


def _value(obj: dict[str, Any], kind: str, where: str) -> dict[str, Any]:
    if kind == "spans":
        spans = obj.get("spans") or []
        if not isinstance(spans, list) or not all(isinstance(span, dict) for span in spans):
            raise FormatError(0, f"{where}: 'spans' must be a list of objects")
        return {"spans": [{"start": s.get("start"), "end": s.get("end"), "label": s.get("label")} for s in spans]}
    if "options" in obj:
        accepted = obj.get("accept")
        if not isinstance(accepted, list):
            raise FormatError(0, f"{where}: a choice answer needs an 'accept' list of option ids")
        return value_for_labels([str(option) for option in accepted], kind, where)
    if isinstance(obj.get("label"), str):
        return value_for_labels([obj["label"]], kind, where)
    raise FormatError(0, f"{where}: the answer has no options, spans or label to import")
