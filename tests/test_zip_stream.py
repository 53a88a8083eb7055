"""The streaming zip writer makes archives zipfile reads, ZIP64 end records included."""

from __future__ import annotations

import io
import zipfile

from labeling.exporters.zip_stream import ZipStream


def archive_of(members):
    writer = ZipStream()
    chunks = []
    for name, data in members:
        writer.add(name, data)
        chunks.append(writer.take())
    chunks.extend(writer.finish())
    return zipfile.ZipFile(io.BytesIO(b"".join(chunks)))


def test_members_read_back_with_their_names_and_bytes():
    archive = archive_of([("labels/été.txt", b"0 0.5 0.5 1 1\n"), ("empty.txt", b""), ("big.txt", b"x" * 100_000)])

    assert archive.namelist() == ["labels/été.txt", "empty.txt", "big.txt"]
    assert archive.read("labels/été.txt") == b"0 0.5 0.5 1 1\n"
    assert archive.read("big.txt") == b"x" * 100_000
    assert archive.testzip() is None


def test_more_than_65535_members_get_zip64_end_records():
    archive = archive_of((f"l/{n}.txt", b"") for n in range(70_000))

    assert len(archive.namelist()) == 70_000
    assert archive.namelist()[-1] == "l/69999.txt"


def test_an_empty_archive_is_valid():
    assert archive_of([]).namelist() == []
