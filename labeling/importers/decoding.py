"""Read a binary file as UTF-8 lines, remembering where bad bytes were instead of crashing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from labeling.importers.records import RowError


class LineDecoder:
    """Iterate over (line number, text) of a binary stream decoded as UTF-8.

    A line that is not UTF-8 is recorded in `errors` ("not UTF-8 at byte N (line L)") and
    yielded decoded with replacement characters, so parsing can go on and report more.
    `bytes_read` tells how far the stream has been consumed (for progress).
    """

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.errors: list[RowError] = []
        self.bytes_read = 0

    def __iter__(self) -> Iterator[tuple[int, str]]:
        for number, raw in enumerate(self.stream, start=1):
            start = self.bytes_read
            self.bytes_read += len(raw)
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
                start += 3
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                self.errors.append(RowError(number, not_utf8_message(start + error.start, number)))
                text = raw.decode("utf-8", errors="replace")
            yield number, text


def not_utf8_message(byte: int, line: int) -> str:
    return f"The file is not UTF-8 at byte {byte} (line {line}); save it as UTF-8 and retry"
