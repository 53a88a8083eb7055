"""JSON Lines export: one import line per item (so the file imports back as it is)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from labeling.exporters.encode import encode
from labeling.exporters.rows import row_chunks
from labeling.models import Project


def line_of(row: dict[str, Any]) -> str:
    return encode(row)


def export_jsonl(project: Project, *, include: str = "all") -> Iterator[str]:
    """Yield text chunks of JSON Lines, one chunk per CHUNK_ITEMS items."""
    for rows in row_chunks(project, include=include):
        yield "".join(line_of(row) + "\n" for row in rows)
