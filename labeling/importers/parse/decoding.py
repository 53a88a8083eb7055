"""Read a binary file as UTF-8 lines, remembering where bad bytes were instead of crashing.

Lines longer than the per-item limit (settings.ACCORD_MAX_ITEM_BYTES) are never held whole:
they are read up to the limit, the rest is skipped, and the line is reported (issue 21).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from django.conf import settings

from labeling.importers.parse.records import RowError

SKIP_CHUNK = 1 << 20
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class LineDecoder:
    """Iterate over (line number, text) of a binary stream decoded as UTF-8.

    A line that is not UTF-8 is recorded in `errors` ("not UTF-8 at byte N (line L)") and
    yielded decoded with replacement characters, so parsing can go on and report more. A line
    over the item limit is recorded in `errors` and yielded as "". A UTF-16 file (by its byte
    order mark) is recorded once and not read further. `bytes_read` tells how far the stream
    has been consumed (for progress).
    """

    def __init__(self, stream: BinaryIO, max_bytes: int | None = None) -> None:
        self.stream = stream
        self.errors: list[RowError] = []
        self.bytes_read = 0
        self.max_bytes = max_bytes or settings.ACCORD_MAX_ITEM_BYTES

    def __iter__(self) -> Iterator[tuple[int, str]]:
        limit = self.max_bytes
        readline = self.stream.readline
        number = 0
        # At most limit + 2 bytes a read (a line of `limit` bytes and its \r\n): memory stays
        # bounded by the limit, whatever the file holds.
        while raw := readline(limit + 2):
            number += 1
            start = self.bytes_read
            self.bytes_read += len(raw)
            if len(raw) > limit and len(raw.rstrip(b"\r\n")) > limit:
                self.errors.append(RowError(number, item_too_large_message(self._skip(raw), limit, number)))
                yield number, ""
                continue
            if number == 1:
                if raw.startswith(UTF16_BOMS):
                    self.errors.append(RowError(1, UTF16_MESSAGE))
                    yield number, ""
                    return
                if raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                    start += 3
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                self.errors.append(RowError(number, not_utf8_message(start + error.start, number)))
                text = raw.decode("utf-8", errors="replace")
            yield number, text

    def _skip(self, raw: bytes) -> int:
        """Read past the rest of an over-long line; return the line's length in bytes."""
        size = len(raw.rstrip(b"\r\n"))
        while not raw.endswith(b"\n"):
            raw = self.stream.readline(SKIP_CHUNK)
            if not raw:
                break
            self.bytes_read += len(raw)
            size += len(raw.rstrip(b"\r\n"))
        return size


UTF16_MESSAGE = "The file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8 and retry"


def not_utf8_message(byte: int, line: int) -> str:
    return f"The file is not UTF-8 at byte {byte} (line {line}); save it as UTF-8 and retry"


def item_too_large_message(size: int, limit: int, line: int) -> str:
    """The error for an item over the per-item limit, naming the limit and its setting."""
    return (
        f"the item at line {line} is {size:,} bytes; an item may have at most {limit:,} bytes "
        "(ACCORD_MAX_ITEM_BYTES)"
    )


def nul_message(line: int) -> str:
    """The error for an item holding a NUL character, which the database cannot store."""
    return (
        f"the item at line {line} holds a NUL character (U+0000, written \\u0000 in JSON), "
        "which Accord cannot store; remove it and retry"
    )
