"""JSON Lines: one item object per line; a bad line is reported and the rest still checked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from labeling.importers.parse.decoding import LineDecoder, nul_message
from labeling.importers.parse.records import ItemRecord, RowError
from labeling.importers.parse.shape import ShapeError, record_from_object
from labeling.nul_characters import NUL, nul_found, text_may_hold_nul

_raw_decode = json.JSONDecoder().raw_decode


def json_line(text: str) -> object:
    """json.loads(text), a third faster on the usual line (an object, then only whitespace).

    Anything else (leading whitespace, text after the value, invalid JSON) goes through
    json.loads, so errors carry its exact message and column.
    """
    try:
        obj, end = _raw_decode(text)
    except json.JSONDecodeError:
        return json.loads(text)
    if end != len(text) and not text[end:].isspace():
        return json.loads(text)
    return obj


def read_jsonl(stream: BinaryIO) -> Iterator[ItemRecord | RowError]:
    """Yield one ItemRecord per non-blank line, or a RowError naming the line's problem."""
    decoder = LineDecoder(stream)
    for number, text in decoder:
        if decoder.errors:
            yield decoder.errors.pop()
            continue
        if not text.strip():
            continue
        if text_may_hold_nul(text) and _holds_nul(text):
            yield RowError(number, nul_message(number))
            continue
        try:
            obj = json_line(text)
        except json.JSONDecodeError as error:
            yield RowError(number, f"invalid JSON at column {error.colno}: {error.msg}")
            continue
        try:
            yield record_from_object(obj, number)
        except ShapeError as error:
            yield RowError(number, str(error))


def _holds_nul(text: str) -> bool:
    """A raw NUL, or a \\u0000 escape that decodes to one (invalid JSON: left to the parser)."""
    if NUL in text:
        return True
    try:
        return nul_found(json_line(text))
    except json.JSONDecodeError:
        return False
