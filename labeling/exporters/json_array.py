"""JSON export: one array of the same objects as the JSON Lines export, streamed in chunks."""

from __future__ import annotations

from collections.abc import Iterator

from labeling.exporters.jsonl import annotation_json, line_of
from labeling.exporters.rows import row_chunks
from labeling.models import Project


def export_json_array(project: Project, *, include: str = "all") -> Iterator[str]:
    """Yield text chunks that together form one JSON array (one item per line inside it)."""
    opened = False
    for rows in row_chunks(project, include=include, shape=annotation_json):
        body = ",\n".join(line_of(row) for row in rows)
        yield (",\n" if opened else "[\n") + body
        opened = True
    yield "\n]\n" if opened else "[]\n"
