"""Other tools' export formats, registered by name; each module turns one into Accord's import records.

`FOREIGN_FORMATS` maps a format name (as `import_items --format NAME` and the upload page take
it) to its title and reader. Readers yield ItemRecords and RowErrors like Accord's own
parsers, so the checks, the all-or-nothing load and the error reports are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO, NamedTuple

from labeling.importers.parse.foreign.base import FormatContext, FormatError, source_name
from labeling.importers.parse.foreign.coco import read_coco
from labeling.importers.parse.foreign.conll import read_conll
from labeling.importers.parse.foreign.doccano import read_doccano
from labeling.importers.parse.foreign.label_studio import read_label_studio
from labeling.importers.parse.foreign.label_studio_min import (
    read_label_studio_csv,
    read_label_studio_min,
)
from labeling.importers.parse.foreign.prodigy import read_prodigy
from labeling.importers.parse.records import ItemRecord, RowError

Records = Iterator[ItemRecord | RowError]


class ForeignFormat(NamedTuple):
    title: str
    read: Callable[[BinaryIO, FormatContext], Records]


FOREIGN_FORMATS: dict[str, ForeignFormat] = {
    "label_studio": ForeignFormat("Label Studio JSON", read_label_studio),
    "label_studio_min": ForeignFormat("Label Studio JSON-MIN", read_label_studio_min),
    "label_studio_csv": ForeignFormat("Label Studio CSV", read_label_studio_csv),
    "doccano": ForeignFormat("doccano JSONL", read_doccano),
    "prodigy": ForeignFormat("Prodigy JSONL", read_prodigy),
    "conll": ForeignFormat("CoNLL 2003 BIO", read_conll),
    "coco": ForeignFormat("COCO JSON", read_coco),
}

ACCORD_FORMATS = {"auto": "Detect from the file", "jsonl": "Accord JSON Lines", "json": "Accord JSON array", "csv": "Accord CSV (long form)"}


def format_choices() -> list[tuple[str, str]]:
    """(name, title) of every format an upload may choose, for the upload page."""
    return [*ACCORD_FORMATS.items(), *((name, found.title) for name, found in FOREIGN_FORMATS.items())]


def foreign_records(stream: BinaryIO, fmt: str, kind: str) -> Records:
    """The records of a file in one of FOREIGN_FORMATS; a file-level problem is one RowError."""
    context = FormatContext(kind=kind, source_name=source_name(stream))
    try:
        yield from FOREIGN_FORMATS[fmt].read(stream, context)
    except FormatError as error:
        yield RowError(error.line, error.message)
