"""A JSON array of item objects, streamed: objects are decoded one at a time from chunks.

The whole array is never in memory: `raw_decode` reads one object from a text buffer that is
refilled from the stream and trimmed after each object. A syntax error ends the read (an
array cannot be resynchronised) and is reported with its line.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import BinaryIO

from django.conf import settings

from labeling.importers.parse.decoding import item_too_large_message, not_utf8_message, nul_message
from labeling.importers.parse.records import ItemRecord, RowError
from labeling.importers.parse.shape import ShapeError, record_from_object
from labeling.nul_characters import JSON_NUL_ESCAPE, NUL, nul_found

CHUNK_BYTES = 1 << 16
WHITESPACE = " \t\r\n"
UTF8_MAX_BYTES = 4  # per character


class ArrayError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Buffer:
    """Decoded text not yet parsed, with the line number of its first character."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.text = ""
        self.pos = 0
        self.line = 1
        self.bytes_in = 0
        self.eof = False

    def line_at(self, pos: int) -> int:
        return self.line + self.text.count("\n", 0, pos)

    def fill(self) -> bool:
        """Decode one more chunk into the buffer; False once the stream is exhausted."""
        if self.eof:
            return False
        raw = self.stream.read(CHUNK_BYTES)
        self.eof = not raw
        pending = len(self.decoder.getstate()[0])
        try:
            self.text += self.decoder.decode(raw, final=self.eof)
        except UnicodeDecodeError as error:
            byte = self.bytes_in - pending + error.start
            line = self.line_at(len(self.text)) + error.object[: error.start].count(b"\n")
            raise ArrayError(line, not_utf8_message(byte, line)) from None
        self.bytes_in += len(raw)
        return not self.eof

    def skip_space(self) -> str:
        """Skip whitespace and return the next character ('' at end of file)."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in WHITESPACE:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.fill():
                return ""

    def trim(self) -> None:
        self.line = self.line_at(self.pos)
        self.text = self.text[self.pos :]
        self.pos = 0

    def decode_object(self, decoder: json.JSONDecoder, limit: int) -> object:
        """Decode the value at `pos`, reading more chunks while it may just be incomplete.

        An object still incomplete after `limit` characters is over the item limit: the read
        stops there (it is never held whole, and an array cannot be resynchronised).
        """
        while True:
            try:
                obj, end = decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as error:
                if len(self.text) - self.pos <= limit and self.fill():
                    continue
                if len(self.text) - self.pos > limit:
                    line = self.line_at(self.pos)
                    raise ArrayError(line, item_too_large_message(len(self.text) - self.pos, limit, line)) from None
                line = self.line_at(error.pos)
                raise ArrayError(line, f"invalid JSON: {error.msg}") from None
            self.pos = end
            return obj

    def size_of(self, start: int, end: int) -> int:
        """Bytes of the text between `start` and `end`, encoded only when it may matter."""
        chars = end - start
        if chars * UTF8_MAX_BYTES <= settings.ACCORD_MAX_ITEM_BYTES:
            return chars
        return len(self.text[start:end].encode("utf-8", errors="replace"))

    def may_hold_nul(self, start: int, end: int) -> bool:
        return self.text.find(NUL, start, end) >= 0 or self.text.find(JSON_NUL_ESCAPE, start, end) >= 0


def read_json_array(stream: BinaryIO) -> Iterator[ItemRecord | RowError]:
    """Yield one ItemRecord per array element; a RowError ends the stream on bad syntax."""
    buffer = _Buffer(stream)
    try:
        yield from _elements(buffer)
    except ArrayError as error:
        yield RowError(error.line, error.message)


def _elements(buffer: _Buffer) -> Iterator[ItemRecord | RowError]:
    decoder = json.JSONDecoder()
    limit = settings.ACCORD_MAX_ITEM_BYTES
    if buffer.skip_space() != "[":
        raise ArrayError(buffer.line_at(buffer.pos), "a JSON import must be an array of item objects")
    buffer.pos += 1
    if buffer.skip_space() == "]":
        buffer.pos += 1
    else:
        while True:
            buffer.skip_space()
            line, start = buffer.line_at(buffer.pos), buffer.pos
            obj = buffer.decode_object(decoder, limit)
            yield _element(obj, line, buffer.size_of(start, buffer.pos), limit, buffer.may_hold_nul(start, buffer.pos))
            following = buffer.skip_space()
            buffer.pos += 1
            if following == "]":
                break
            if following != ",":
                raise ArrayError(buffer.line_at(buffer.pos - 1), "expected ',' or ']' after an item")
            buffer.trim()
    if buffer.skip_space() != "":
        raise ArrayError(buffer.line_at(buffer.pos), "unexpected text after the array")


def _element(obj: object, line: int, size: int, limit: int, may_hold_nul: bool) -> ItemRecord | RowError:
    """The record of one decoded element, or the RowError of its size, NUL or shape."""
    if size > limit:
        return RowError(line, item_too_large_message(size, limit, line))
    if may_hold_nul and nul_found(obj):
        return RowError(line, nul_message(line))
    try:
        return record_from_object(obj, line)
    except ShapeError as error:
        return RowError(line, str(error))
