"""Open an import: pick the parser for the file's format and expose progress in bytes."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from labeling.exceptions import ImportFailed
from labeling.importers.parse.csv_long import read_csv_long
from labeling.importers.parse.detect import CONLL_SUFFIXES, HEAD_BYTES, format_sniff
from labeling.importers.parse.foreign import FOREIGN_FORMATS, foreign_records
from labeling.importers.parse.images import ImageProblem, ImageSource, read_image_folder
from labeling.importers.parse.json_array import read_json_array
from labeling.importers.parse.jsonl import read_jsonl
from labeling.importers.parse.records import ItemRecord, RowError

FORMATS = ("auto", "jsonl", "json", "csv", "images", *FOREIGN_FORMATS)
SUFFIX_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".zip": "images"}
SNIFFED = ("jsonl", "json", "csv", "txt")  # formats other tools share; the content decides

Records = Iterator[ItemRecord | RowError]


@dataclass
class RecordStream:
    """The records of one import plus where their images live and how far reading got."""

    records: Records
    total: int
    position: Callable[[], int]
    images: ImageSource | None = None
    closers: list[Callable[[], None]] = field(default_factory=list)


def format_detect(path: str | Path, fmt: str = "auto") -> str:
    """The format to read `path` with: `fmt` itself unless it is 'auto'."""
    if fmt not in FORMATS:
        raise ImportFailed(f"Unknown import format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt != "auto":
        return fmt
    path = Path(path)
    if path.is_dir():
        return "images"
    suffix = path.suffix.lower()
    detected = "conll" if suffix in CONLL_SUFFIXES else SUFFIX_FORMATS.get(suffix, "txt" if suffix == ".txt" else None)
    if detected in SNIFFED and path.is_file():
        with path.open("rb") as stream:
            detected = format_sniff(stream.read(HEAD_BYTES), detected)
    if detected in (None, "txt"):
        raise ImportFailed(f"Cannot tell the format of {path.name}; name it .jsonl, .json, .csv, .conll or .zip, or choose a format")
    return detected


def parse(stream: BinaryIO, fmt: str, kind: str) -> Records:
    """The record iterator of one items file in `fmt` (jsonl, json, csv or a FOREIGN_FORMATS name)."""
    if fmt in FOREIGN_FORMATS:
        return foreign_records(stream, fmt, kind)
    if fmt == "jsonl":
        return read_jsonl(stream)
    if fmt == "json":
        return read_json_array(stream)
    return read_csv_long(stream, kind=kind)


@contextmanager
def records_open(path: str | Path, *, fmt: str, kind: str, images: str | Path | None = None) -> Iterator[RecordStream]:
    """Open `path` for one pass over its records; closes every file on exit.

    fmt 'images' takes a zip or folder: its single top-level items file if it has one,
    otherwise one item per file. Other formats read `path` with images (if any) from `images`.
    """
    fmt = format_detect(path, fmt)
    try:
        opened = _open_images(Path(path), kind) if fmt == "images" else _open_file(Path(path), fmt, kind, images)
    except (ImageProblem, OSError) as error:
        raise ImportFailed(str(error), details=[{"line": 0, "message": str(error)}]) from None
    try:
        yield opened
    finally:
        for close in opened.closers:
            close()


def _open_file(path: Path, fmt: str, kind: str, images: str | Path | None) -> RecordStream:
    stream = path.open("rb")
    source = ImageSource(images) if images else None
    opened = RecordStream(parse(stream, fmt, kind), os.path.getsize(path), stream.tell, source)
    opened.closers.append(stream.close)
    if source is not None:
        opened.closers.append(source.close)
    return opened


def _open_images(path: Path, kind: str) -> RecordStream:
    source = ImageSource(path)
    manifest = source.manifest()
    if manifest is None:
        names = source.names()
        counter = _Counter(read_image_folder(source))
        return RecordStream(iter(counter), len(names), counter.count, source, [source.close])
    stream = source.open(manifest)
    fmt = _manifest_format(source, manifest)
    total = source.size(manifest)
    records = _zip_checked(parse(stream, fmt, kind), manifest)
    return RecordStream(records, total, stream.tell, source, [stream.close, source.close])


def _manifest_format(source: ImageSource, manifest: str) -> str:
    """The zipped items file's format, from its name then its head (a damaged head: its name)."""
    by_name = SUFFIX_FORMATS[Path(manifest).suffix.lower()]
    try:
        with source.open(manifest) as head:
            return format_sniff(head.read(HEAD_BYTES), by_name) or by_name
    except (zipfile.BadZipFile, OSError):
        return by_name  # reading it again reports the damage with the usual message


def _zip_checked(records: Records, name: str) -> Records:
    """The records of a zipped items file; a damaged member (bad CRC, sizes that lie) ends them."""
    try:
        yield from records
    except zipfile.BadZipFile as error:
        yield RowError(0, f"{name} in the zip is damaged ({error}); nothing was imported")


class _Counter:
    """Wrap an iterator and count what it yielded (progress for one-item-per-file imports)."""

    def __init__(self, inner: Iterator[ItemRecord]) -> None:
        self.inner = inner
        self.done = 0

    def __iter__(self) -> Records:
        for record in self.inner:
            self.done += 1
            yield record

    def count(self) -> int:
        return self.done
