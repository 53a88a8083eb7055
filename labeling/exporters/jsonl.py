"""JSON Lines export: one import line per item (so the file imports back as it is)."""

from __future__ import annotations

from collections.abc import Iterator
from json.encoder import encode_basestring_ascii as quoted
from typing import Any

from labeling.exporters.encode import encode
from labeling.exporters.rows import row_chunks
from labeling.models import Project


def line_of(row: dict[str, Any]) -> str:
    """One export row as JSON; the common keys are written directly (the hot path)."""
    parts = ['{"id":', quoted(row["id"]), ',"data":', row["data"]]
    for key, value in row.items():
        if key == "annotations":
            parts.append(',"annotations":[' + ",".join(_annotation(a) for a in value) + "]")
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


def export_jsonl(project: Project, *, include: str = "all") -> Iterator[str]:
    """Yield text chunks of JSON Lines, one chunk per CHUNK_ITEMS items."""
    for rows in row_chunks(project, include=include):
        yield "".join(line_of(row) + "\n" for row in rows)
