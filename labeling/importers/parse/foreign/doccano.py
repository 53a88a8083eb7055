"""doccano's JSONL export: text classification and sequence labeling.

Classification: {"id", "text", "label": ["positive"]}. Sequence labeling: {"id", "text",
"label": [[0, 5, "PER"], ...]} or, from projects with relations, {"entities":
[{"start_offset", "end_offset", "label"}, ...]}. doccano writes one file per user, so the
annotator is the line's "annotator"/"user" name if it has one, else the file's name. An
empty label list means not labeled (doccano cannot tell it from "nothing to label"): no
annotation. Lines without an id are numbered by their line.
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

TITLE = "doccano JSONL"


def read_doccano(stream: BinaryIO, context: FormatContext) -> Iterator[ItemRecord | RowError]:
    for found in jsonl_objects(stream, TITLE):
        if isinstance(found, RowError):
            yield found
            continue
        line, obj = found
        try:
            yield record_of(_item(obj, line, context), line)
        except FormatError as error:
            yield RowError(line, f"{TITLE}, line {line}: {error.message}")


def _item(obj: dict[str, Any], line: int, context: FormatContext) -> dict[str, Any]:
    if not isinstance(obj.get("text"), str):
        raise FormatError(0, "each line needs a 'text' string")
    item_id = obj.get("id", line)
    labels = obj.get("entities") if "entities" in obj else obj.get("label", obj.get("labels"))
    if labels is None:
        raise FormatError(0, "each line needs 'label' (or 'entities')")
    if not isinstance(labels, list):
        raise FormatError(0, "'label' must be a list")
    item = {"id": item_id, "data": {"text": obj["text"]}, "annotations": []}
    if labels:
        name = obj.get("annotator") or obj.get("user") or context.file_annotator
        where = f"item {item_id}"
        value = _spans(labels, where) if context.kind == "spans" else value_for_labels(_names(labels, where), context.kind, where)
        item["annotations"].append({"annotator": str(name), "value": value})
    return item


def _names(labels: list[Any], where: str) -> list[str]:
    if not all(isinstance(label, str) for label in labels):
        raise FormatError(0, f"{where}: classification labels must be strings; for spans use a spans project")
    return labels


def _spans(labels: list[Any], where: str) -> dict[str, Any]:
    spans = []
    for index, entry in enumerate(labels):
        if isinstance(entry, dict):
            entry = [entry.get("start_offset"), entry.get("end_offset"), entry.get("label")]
        if not isinstance(entry, list) or len(entry) != 3:
            raise FormatError(0, f"{where}: label {index + 1} must be [start, end, \"TAG\"]")
        start, end, label = entry
        spans.append({"start": start, "end": end, "label": label})
    return {"spans": spans}
