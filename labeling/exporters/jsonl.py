"""JSON Lines export: one import line per item (so the file imports back as it is)."""

from __future__ import annotations

from collections.abc import Iterator
from json.encoder import encode_basestring_ascii as quoted
from typing import Any

from labeling.db.backend import in_transaction, is_postgresql
from labeling.exporters import rows
from labeling.exporters.encode import RawJSON, encode
from labeling.exporters.jsonl_sql import chunk_ends, chunk_lines
from labeling.exporters.ordered_threads import ordered_map
from labeling.exporters.rows import RawChunk, Usernames, raw_chunk, raw_chunks, row_of
from labeling.models import Prediction, Project

SQL_WORKERS = 2  # PostgreSQL backends writing chunks at once
RANGES_PER_QUERY = 50  # chunk bounds read per query (a scan of the items' ids)


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
    a few times faster), SQL_WORKERS chunks at once on their own connections (unless inside a
    transaction, whose rows they would not see); a chunk it cannot write as Python would is
    written in Python, as are all of them on SQLite.
    """
    if not is_postgresql():
        yield from python_jsonl(project, include=include)
        return
    predictions = include == "all" and Prediction.objects.filter(project=project).exists()
    names = Usernames()

    def write(bounds: tuple[int, int]) -> str:
        after, upto = bounds
        text = chunk_lines(project.pk, after=after, upto=upto, include=include, predictions=predictions)
        if text is None:
            chunk = raw_chunk(project, after=after, upto=upto, include=include, shape=annotation_json, names=names)
            text = "" if chunk is None else _text(chunk, include)
        return text

    ranges = _ranges(project.pk, rows.CHUNK_ITEMS)
    texts = map(write, ranges) if in_transaction() else ordered_map(write, ranges, workers=SQL_WORKERS)
    yield from (text for text in texts if text)


def _ranges(project_id: int, size: int) -> Iterator[tuple[int, int]]:
    """(after, up to) item id bounds of the project's chunks of `size` items, in order."""
    after = 0
    while ends := chunk_ends(project_id, after=after, size=size, chunks=RANGES_PER_QUERY):
        for end in ends:
            yield after, end
            after = end


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
