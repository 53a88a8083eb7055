"""What every foreign-format reader shares: its context, its errors and JSON with line numbers.

A reader turns another tool's file into Accord's import objects ({"id", "data",
"annotations": [{"annotator", "value"}], "predictions": [{"model", "value", "score"}]}) and
hands each one to `record_of`, so the checks and the load path are the ones every import uses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, BinaryIO

from labeling.importers.parse.records import ItemRecord, RowError
from labeling.importers.parse.shape import MAX_NAME_LENGTH, ShapeError, record_from_object

_NAME_UNSAFE = re.compile(r"[^\w.@+-]+")
_WHITESPACE = " \t\r\n"


class FormatError(Exception):
    """The file breaks its format's rules; `line` is where (0 when it is the whole file)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class FormatContext:
    """What a reader knows besides the bytes: the project's kind and the file's name."""

    kind: str
    source_name: str = "import"

    @property
    def file_annotator(self) -> str:
        """The annotator of a file that names none: its file name without the suffix."""
        stem = PurePath(self.source_name).stem or "import"
        return _NAME_UNSAFE.sub("-", stem).strip("-")[:MAX_NAME_LENGTH] or "import"

    @property
    def data_key(self) -> str:
        return "image" if self.kind == "boxes" else "text"


def record_of(obj: dict[str, Any], line: int) -> ItemRecord | RowError:
    """The ItemRecord of one converted object, or the RowError of its shape."""
    try:
        return record_from_object(obj, line)
    except ShapeError as error:
        return RowError(line, str(error))


def source_name(stream: BinaryIO) -> str:
    name = getattr(stream, "name", None)
    return name if isinstance(name, str) else "import"


def read_text(stream: BinaryIO, title: str) -> str:
    """The whole file as text; a FormatError when it is not UTF-8."""
    raw = stream.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise FormatError(line, f"{title}: not UTF-8 at byte {error.start} (line {line})") from None


def json_document(stream: BinaryIO, title: str) -> Any:
    """The file's one JSON value; a FormatError with the line of a syntax error."""
    text = read_text(stream, title)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(error.lineno, f"{title}: invalid JSON at line {error.lineno}: {error.msg}") from None


def json_array_elements(stream: BinaryIO, title: str, what: str) -> Iterator[tuple[int, Any]]:
    """(line, element) of the file's top-level JSON array, each element with the line it starts on."""
    text = read_text(stream, title)
    decoder = json.JSONDecoder()
    pos, line, counted = _skip(text, 0), 1, 0
    if not text.startswith("[", pos):
        raise FormatError(1, f"{title}: the file must be a JSON array of {what}")
    pos = _skip(text, pos + 1)
    while pos < len(text) and text[pos] != "]":
        line, counted = line + text.count("\n", counted, pos), pos
        try:
            element, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as error:
            raise FormatError(error.lineno, f"{title}: invalid JSON at line {error.lineno}: {error.msg}") from None
        yield line, element
        pos = _skip(text, end)
        if text.startswith(",", pos):
            pos = _skip(text, pos + 1)
        elif not text.startswith("]", pos):
            bad = text.count("\n", 0, pos) + 1
            raise FormatError(bad, f"{title}: expected ',' or ']' at line {bad}")
    if pos >= len(text):
        raise FormatError(text.count("\n") + 1, f"{title}: the JSON array is not closed")


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def jsonl_objects(stream: BinaryIO, title: str) -> Iterator[tuple[int, dict[str, Any]] | RowError]:
    """(line, object) for every non-blank line; a RowError for a line that is not a JSON object."""
    for number, raw in enumerate(stream, start=1):
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            yield RowError(number, f"{title}: line {number} is not UTF-8 (byte {error.start} of the line)")
            continue
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as error:
            yield RowError(number, f"{title}: invalid JSON at line {number}, column {error.colno}: {error.msg}")
            continue
        if not isinstance(obj, dict):
            yield RowError(number, f"{title}: line {number} must be a JSON object")
            continue
        yield number, obj


def value_for_labels(labels: list[str], kind: str, where: str) -> dict[str, Any]:
    """A single or multi value from a list of label names (a FormatError otherwise)."""
    if kind == "multi":
        return {"labels": labels}
    if kind == "single":
        if len(labels) != 1:
            raise FormatError(0, f"{where}: a single-label project takes one label; the file gives {len(labels)}: {labels}")
        return {"label": labels[0]}
    raise FormatError(0, f"{where}: labels {labels} cannot be imported into a {kind} project")
