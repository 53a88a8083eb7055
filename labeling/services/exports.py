"""Export a project as a stream of text chunks, in the format and scope asked for."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from labeling.exceptions import ValueInvalid
from labeling.exporters.csv_long import export_csv_long
from labeling.exporters.json_array import export_json_array
from labeling.exporters.jsonl import export_jsonl
from labeling.exporters.rows import INCLUDES
from labeling.models import Project

EXPORTERS: dict[str, tuple[Callable[..., Iterator[str]], str, str]] = {
    "jsonl": (export_jsonl, "application/x-ndjson", "jsonl"),
    "json": (export_json_array, "application/json", "json"),
    "csv": (export_csv_long, "text/csv", "csv"),
}


def export_stream(*, project: Project, fmt: str = "jsonl", include: str = "all") -> Iterator[str]:
    """Text chunks of the export; constant memory (items are read CHUNK_ITEMS at a time).

    fmt: jsonl | json | csv. include: all (every annotation and prediction) | aggregate
    (aggregated labels and agreement) | final (final labels only). Raises ValueInvalid.
    """
    export_check(fmt=fmt, include=include)
    exporter = EXPORTERS[fmt][0]
    return exporter(project, include=include)


def export_check(*, fmt: str, include: str) -> None:
    """Raise ValueInvalid for an unknown format or include option."""
    if fmt not in EXPORTERS:
        raise ValueInvalid(f"format must be one of {', '.join(EXPORTERS)}; got {fmt!r}")
    if include not in INCLUDES:
        raise ValueInvalid(f"include must be one of {', '.join(INCLUDES)}; got {include!r}")


def export_content_type(fmt: str) -> str:
    return EXPORTERS[fmt][1]


def export_filename(project: Project, *, fmt: str, include: str) -> str:
    """A download name such as 'project-3-all.jsonl'."""
    return f"project-{project.pk}-{include}.{EXPORTERS[fmt][2]}"
