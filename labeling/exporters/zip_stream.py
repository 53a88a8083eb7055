"""Write a zip archive as a stream of bytes with flat memory, for exports of many small files.

Python's zipfile keeps a ZipInfo per member until it writes the central directory at close
(about 1 kB each: a million images would hold a gigabyte). Here each member's central directory
record is appended to a temporary file as the member is written, and copied out at the end, so
memory holds one member at a time. Members are deflated (raw deflate, method 8) with their CRC
and sizes in the local header (no data descriptors); names are UTF-8 (flag bit 11); more than
65,535 members get the ZIP64 end records (APPNOTE.TXT 4.3.14-4.3.16). The archive's members and
directory must stay under 4 GiB (ZIP64 offsets per member are not written); ZipTooLarge otherwise.
"""

from __future__ import annotations

import struct
import tempfile
import zlib
from collections.abc import Iterator

LOCAL, CENTRAL = 0x04034B50, 0x02014B50
END, END64, LOCATOR64 = 0x06054B50, 0x06064B50, 0x07064B50
UTF8_NAMES = 0x0800
DEFLATED = 8
DOS_TIME, DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00, the earliest DOS date
LIMIT_16, LIMIT_32 = 0xFFFF, 0xFFFFFFFF
BLOCK = 1 << 16


class ZipTooLarge(Exception):
    """The archive passed 4 GiB, which this writer does not support."""


class ZipStream:
    """add() members, take() the bytes written so far, finish() for the directory and end."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.offset = 0
        self.count = 0
        self.directory = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finish()
        self.directory_size = 0

    def add(self, name: str, data: bytes) -> None:
        """Append one member (deflated) named `name`."""
        raw_name = name.encode("utf-8")
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = packer.compress(data) + packer.flush()
        crc = zlib.crc32(data)
        if self.offset + len(packed) + 100 + len(raw_name) > LIMIT_32:
            raise ZipTooLarge("the zip would pass 4 GiB")
        sizes = (crc, len(packed), len(data), len(raw_name), 0)
        self.parts += [
            struct.pack(
                "<IHHHHHIIIHH", LOCAL, 20, UTF8_NAMES, DEFLATED, DOS_TIME, DOS_DATE, *sizes
            ),
            raw_name,
            packed,
        ]
        record = struct.pack(
            "<IHHHHHHIIIHHHHHII", CENTRAL, 20, 20, UTF8_NAMES, DEFLATED, DOS_TIME, DOS_DATE, *sizes, 0, 0, 0, 0, self.offset
        )  # fmt: skip
        self.directory.write(record + raw_name)
        self.directory_size += len(record) + len(raw_name)
        self.offset += 30 + len(raw_name) + len(packed)
        self.count += 1

    def take(self) -> bytes:
        """The bytes written since the last take()."""
        data = b"".join(self.parts)
        self.parts.clear()
        return data

    def finish(self) -> Iterator[bytes]:
        """Yield what is left: pending members, the central directory, and the end records."""
        yield self.take()
        self.directory.seek(0)
        while block := self.directory.read(BLOCK):
            yield block
        self.directory.close()
        yield self._end_records()

    def _end_records(self) -> bytes:
        start, size, count = self.offset, self.directory_size, self.count
        if start + size > LIMIT_32:
            raise ZipTooLarge("the zip's directory would pass 4 GiB")
        records = b""
        if count > LIMIT_16:
            end64_at = start + size
            records += struct.pack(
                "<IQHHIIQQQQ", END64, 44, 45, 45, 0, 0, count, count, size, start
            )
            records += struct.pack("<IIQI", LOCATOR64, 0, end64_at, 1)
        shown = min(count, LIMIT_16)
        return records + struct.pack("<IHHHHIIH", END, 0, 0, shown, shown, size, start, 0)
