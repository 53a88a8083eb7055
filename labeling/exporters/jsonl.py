"""JSON Lines export: one import line per item (so the file imports back as it is)."""

from __future__ import annotations

from collections.abc import Iterator
from json.encoder import encode_basestring_ascii as quoted
from typing import Any

from labeling.exporters.encode import RawJSON, encode
from labeling.exporters.rows import raw_chunks, row_of
from labeling.models import Project


def line_of(row: dict[str, Any]) -> str:
    """One export row as JSON; the common keys are written directly (the hot path)."""
    parts = ['{"id":', quoted(row["id"]), ',"data":', row["data"]]
    for key, value in row.items():
        if key == "annotations":
            parts.append(',"annotations":[' + ",".join(a if isinstance(a, str) else _annotation(a) for a in value) + "]")
        elif key not in ("id", "data"):
            parts.append("," + quoted(key) + ":" + encode(value))
    parts.append("}")
    return "".join(parts)


def _annotation(annotation: dict[str, Any]) -> str:
    if len(annotation) != 5:  # unsure or comment present: the general encoder
        return encode(annotation)
    created = annotation["created_at"]
    version = annotation["guideline_version"]
    lead_time = annotation["lead_time_ms"]
    return (
        f'{{"annotator":{quoted(annotation["annotator"])},"value":{annotation["value"]},'
        f'"created_at":{"null" if created is None else quoted(created)},'
        f'"guideline_version":{"null" if version is None else version},'
        f'"lead_time_ms":{"null" if lead_time is None else lead_time}}}'
    )


def annotation_json(
    annotator: str, value: str, created: str, version: int | None, lead_time: int | None, unsure: bool, comment: str
) -> RawJSON:
    """The JSON text `encode(annotation_dict(...))` gives, built directly (the export's hot path)."""
    text = (
        f'{{"annotator":{quoted(annotator)},"value":{value},"created_at":{quoted(created)},'
        f'"guideline_version":{"null" if version is None else version},'
        f'"lead_time_ms":{"null" if lead_time is None else lead_time}'
    )
    if unsure:
        text += ',"unsure":true'
    if comment:
        text += ',"comment":' + quoted(comment)
    return RawJSON(text + "}")


def export_jsonl(project: Project, *, include: str = "all") -> Iterator[str]:
    """Yield text chunks of JSON Lines, one chunk per CHUNK_ITEMS items."""
    for items, labels, guesses in raw_chunks(project, include=include, shape=annotation_json):
        yield "".join(_line(item, include, labels, guesses) for item in items)


def _line(item: tuple[Any, ...], include: str, labels: dict[int, list[Any]], guesses: dict[int, list[Any]]) -> str:
    """One line; an item with only id, data and annotations (most of a large export) directly."""
    item_id, external_id, data, agreement, aggregate, *_, final = item[:8]
    if include == "all" and agreement is None and aggregate is None and final is None and item_id not in guesses:
        return f'{{"id":{quoted(external_id)},"data":{data},"annotations":[{",".join(labels.get(item_id, ()))}]}}\n'
    return line_of(row_of(item, include, labels.get(item_id, []), guesses.get(item_id, []))) + "\n"
