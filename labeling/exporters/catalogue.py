"""Every export format by name: its exporter, download type and name, and what it applies to.

Adding a format: write one module with a function (project, *, include, source) -> chunks,
and add one ExportFormat below. The export command, the export API (?format=NAME) and the
export page all offer what is listed here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from labeling.exporters.coco import export_coco
from labeling.exporters.conll import export_conll
from labeling.exporters.csv_long import export_csv_long
from labeling.exporters.json_array import export_json_array
from labeling.exporters.jsonl import export_jsonl
from labeling.exporters.label_studio import export_label_studio
from labeling.exporters.labelled_items import SOURCES
from labeling.exporters.spacy_jsonl import export_spacy_jsonl
from labeling.exporters.yolo import export_yolo
from labeling.models import Project

Exporter = Callable[..., Iterator[Any]]


@dataclass(frozen=True)
class ExportFormat:
    """A format: `export(project, include=..., source=...)` yields str chunks (bytes if binary)."""

    name: str
    title: str
    export: Exporter
    content_type: str
    extension: str
    kinds: tuple[str, ...] = ()  # schema kinds it applies to; () for every kind
    sources: tuple[str, ...] = ()  # the value sources it takes; () when `source` does not apply
    binary: bool = False


def _without_source(exporter: Callable[..., Iterator[str]]) -> Exporter:
    """Adapt an exporter that takes only `include` (JSON Lines, JSON, CSV)."""

    def export(project: Project, *, include: str = "all", source: str = "settled") -> Iterator[str]:
        return exporter(project, include=include)

    return export


FORMATS: dict[str, ExportFormat] = {
    entry.name: entry
    for entry in (
        ExportFormat("jsonl", "JSON Lines", _without_source(export_jsonl), "application/x-ndjson", "jsonl"),
        ExportFormat("json", "JSON array", _without_source(export_json_array), "application/json", "json"),
        ExportFormat("csv", "CSV (long form)", _without_source(export_csv_long), "text/csv", "csv"),
        ExportFormat(
            "label_studio", "Label Studio JSON", export_label_studio, "application/json", "label-studio.json"
        ),
        ExportFormat(
            "conll", "CoNLL 2003 (BIO), spans", export_conll, "text/plain", "conll",
            kinds=("spans",), sources=SOURCES,
        ),
        ExportFormat(
            "spacy", "spaCy JSON Lines, spans", export_spacy_jsonl, "application/x-ndjson", "spacy.jsonl",
            kinds=("spans",), sources=SOURCES,
        ),
        ExportFormat(
            "coco", "COCO JSON, boxes", export_coco, "application/json", "coco.json",
            kinds=("boxes",), sources=SOURCES,
        ),
        ExportFormat(
            "yolo", "YOLO (zip), boxes", export_yolo, "application/zip", "yolo.zip",
            kinds=("boxes",), sources=("settled", "final", "aggregate"), binary=True,
        ),
    )
}  # fmt: skip
