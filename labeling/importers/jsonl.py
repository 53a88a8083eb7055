"""JSON Lines: one item object per line; a bad line is reported and the rest still checked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from labeling.importers.decoding import LineDecoder
from labeling.importers.records import ItemRecord, RowError
from labeling.importers.validate import ShapeError, record_from_object


def read_jsonl(stream: BinaryIO) -> Iterator[ItemRecord | RowError]:
    """Yield one ItemRecord per non-blank line, or a RowError naming the line's problem."""
    decoder = LineDecoder(stream)
    for number, text in decoder:
        if decoder.errors:
            yield decoder.errors.pop()
            continue
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as error:
            yield RowError(number, f"invalid JSON at column {error.colno}: {error.msg}")
            continue
        try:
            yield record_from_object(obj, number)
        except ShapeError as error:
            yield RowError(number, str(error))
