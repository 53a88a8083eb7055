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

from labeling.importers.decoding import not_utf8_message
from labeling.importers.records import ItemRecord, RowError
from labeling.importers.validate import ShapeError, record_from_object

CHUNK_BYTES = 1 << 16
# An object still incomplete after this many characters is treated as malformed.
MAX_OBJECT_CHARS = 16 * 1024 * 1024
WHITESPACE = " \t\r\n"


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

    def decode_object(self, decoder: json.JSONDecoder) -> object:
        """Decode the value at `pos`, reading more chunks while it may just be incomplete."""
        while True:
            try:
                obj, end = decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as error:
                if len(self.text) - self.pos <= MAX_OBJECT_CHARS and self.fill():
                    continue
                line = self.line_at(error.pos)
                raise ArrayError(line, f"invalid JSON: {error.msg}") from None
            self.pos = end
            return obj


def read_json_array(stream: BinaryIO) -> Iterator[ItemRecord | RowError]:
    """Yield one ItemRecord per array element; a RowError ends the stream on bad syntax."""
    buffer = _Buffer(stream)
    try:
        yield from _elements(buffer)
    except ArrayError as error:
        yield RowError(error.line, error.message)


def _elements(buffer: _Buffer) -> Iterator[ItemRecord | RowError]:
    decoder = json.JSONDecoder()
    if buffer.skip_space() != "[":
        raise ArrayError(buffer.line_at(buffer.pos), "a JSON import must be an array of item objects")
    buffer.pos += 1
    if buffer.skip_space() == "]":
        buffer.pos += 1
    else:
        while True:
            buffer.skip_space()
            line = buffer.line_at(buffer.pos)
            obj = buffer.decode_object(decoder)
            try:
                yield record_from_object(obj, line)
            except ShapeError as error:
                yield RowError(line, str(error))
            following = buffer.skip_space()
            buffer.pos += 1
            if following == "]":
                break
            if following != ",":
                raise ArrayError(buffer.line_at(buffer.pos - 1), "expected ',' or ']' after an item")
            buffer.trim()
    if buffer.skip_space() != "":
        raise ArrayError(buffer.line_at(buffer.pos), "unexpected text after the array")
