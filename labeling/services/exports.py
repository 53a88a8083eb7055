"""Export a project as a stream of chunks, in the format and scope asked for.

The formats are listed by name in labeling.exporters.catalogue; text formats yield str chunks,
binary ones (the YOLO zip) bytes.
"""

from __future__ import annotations

from collections.abc import Iterator

from labeling.exceptions import ValueInvalid
from labeling.exporters.catalogue import FORMATS
from labeling.exporters.labelled_items import SOURCES
from labeling.exporters.rows import INCLUDES
from labeling.models import Project


def export_stream(
    *, project: Project, fmt: str = "jsonl", include: str = "all", source: str = "settled"
) -> Iterator[str] | Iterator[bytes]:
    """Chunks of the export; constant memory (items are read a chunk at a time).

    fmt: a name in FORMATS. include: all (every annotation and prediction) | aggregate
    (aggregated labels and agreement) | final (final labels only). source, for the training
    formats (CoNLL, spaCy, COCO, YOLO): settled (final, else aggregate) | final | aggregate |
    annotators (see labeling.exporters.labelled_items); other formats ignore it. Raises
    ValueInvalid for an unknown option or a format that does not fit the project's kind.
    """
    export_check(fmt=fmt, include=include, source=source, project=project)
    return FORMATS[fmt].export(project, include=include, source=source)


def export_check(
    *, fmt: str, include: str, source: str = "settled", project: Project | None = None
) -> None:
    """Raise ValueInvalid for an unknown format, include or source option, a source the format
    cannot write, or (given the project) a format for another schema kind."""
    if fmt not in FORMATS:
        raise ValueInvalid(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    if include not in INCLUDES:
        raise ValueInvalid(f"include must be one of {', '.join(INCLUDES)}; got {include!r}")
    if source not in SOURCES:
        raise ValueInvalid(f"source must be one of {', '.join(SOURCES)}; got {source!r}")
    entry = FORMATS[fmt]
    if entry.sources and source not in entry.sources:
        raise ValueInvalid(
            f"the {fmt} format takes source {', '.join(entry.sources)}; got {source!r}"
        )
    if project is not None and entry.kinds and project.kind not in entry.kinds:
        raise ValueInvalid(
            f"the {fmt} format exports {' or '.join(entry.kinds)} projects; this one is {project.kind}"
        )


def export_content_type(fmt: str) -> str:
    return FORMATS[fmt].content_type


def export_is_binary(fmt: str) -> bool:
    """Whether the format's chunks are bytes (write them to a binary file)."""
    return FORMATS[fmt].binary


def export_filename(project: Project, *, fmt: str, include: str) -> str:
    """A download name such as 'project-3-all.jsonl' or 'project-3-all.coco.json'."""
    return f"project-{project.pk}-{include}.{FORMATS[fmt].extension}"
