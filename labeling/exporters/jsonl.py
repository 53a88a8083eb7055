"""JSON Lines export: one import line per item (so the file imports back as it is)."""

from __future__ import annotations

from collections.abc import Iterator
from json.encoder import encode_basestring_ascii as quoted
from typing import Any

from labeling.db.backend import is_postgresql
from labeling.exporters import rows
from labeling.exporters.encode import RawJSON, encode
from labeling.exporters.jsonl_sql import chunk_lines
from labeling.exporters.rows import RawChunk, Usernames, raw_chunk, raw_chunks, row_of
from labeling.models import Prediction, Project


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
    """Yield text chunks of JSON Lines, one chunk per CHUNK_ITEMS items.

    On PostgreSQL the database writes the lines (labeling.exporters.jsonl_sql: the same bytes,
    a few times faster); a chunk it cannot write as Python would is written here, as are all
    of them on SQLite.
    """
    if not is_postgresql():
        yield from python_jsonl(project, include=include)
        return
    names, after, limit = Usernames(), 0, rows.CHUNK_ITEMS
    predictions = include == "all" and Prediction.objects.filter(project=project).exists()
    while found := chunk_lines(project.pk, after=after, limit=limit, include=include, predictions=predictions):
        last_id, text = found
        if text is None:
            chunk = raw_chunk(project, after=after, include=include, shape=annotation_json, names=names, limit=limit)
            if chunk is None:  # the items went away in between
                return
            last_id, text = chunk[0][-1][0], _text(chunk, include)
        yield text
        after = last_id


def python_jsonl(project: Project, *, include: str = "all") -> Iterator[str]:
    """The chunks of JSON Lines, written in Python (on SQLite; the reference for PostgreSQL's)."""
    for chunk in raw_chunks(project, include=include, shape=annotation_json):
        yield _text(chunk, include)


def _text(chunk: RawChunk, include: str) -> str:
    items, labels, guesses = chunk
    return "".join(_line(item, include, labels, guesses) for item in items)


def _line(item: tuple[Any, ...], include: str, labels: dict[int, list[Any]], guesses: dict[int, list[Any]]) -> str:
    """One line; an item with only id, data and annotations (most of a large export) directly."""
    item_id, external_id, data, agreement, aggregate, *_, final = item[:8]
    if include == "all" and agreement is None and aggregate is None and final is None and item_id not in guesses:
        return f'{{"id":{quoted(external_id)},"data":{data},"annotations":[{",".join(labels.get(item_id, ()))}]}}\n'
    return line_of(row_of(item, include, labels.get(item_id, []), guesses.get(item_id, []))) + "\n"
