"""The hostile-upload corpus (issue 21): every file is refused with a message that says why,
and nothing is written (no items, no annotations, no files under MEDIA_ROOT but the upload).

Each file is generated here (nothing downloaded): zip bombs, traversal and absolute names,
symbolic links in a zip, a PNG decompression bomb, HTML posing as a PNG, NUL characters in
JSON, JSON arrays and CSV, UTF-16 and latin-1 files, items over the size limit. Cases go
through the upload API and the import job, as a lead would send them.
"""

from __future__ import annotations

import io
import json
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from PIL import Image

from labeling.models import Annotation, ImportJob, Item, JobStatus, Membership, Project, Role
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
IMAGE_SCHEMA = {"kind": "boxes", "data": "image", "labels": [{"value": "car"}]}
HTML = b"<html><script>alert(document.domain)</script></html>"


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (10, 200, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_bomb(width=100_000, height=100_000):
    """A tiny PNG whose header declares 10 billion pixels."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


def zipped(*members):
    """A zip of (name, bytes) or (ZipInfo, bytes) members, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def zipped_damaged(name, data):
    """A stored (uncompressed) zip member whose last content byte was changed: its CRC fails."""
    raw = bytearray(zipped_stored(name, data))
    at = raw.index(data) + len(data) - 2
    raw[at] ^= 0x01
    return bytes(raw)


def zipped_stored(name, data):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def symlink(name, target):
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def jsonl(*items):
    return "".join(json.dumps(item) + "\n" for item in items).encode()


def line(text="fine", annotator="alice", external_id="a"):
    return {"id": external_id, "data": {"text": text}, "annotations": [{"annotator": annotator, "value": {"label": "positive"}}]}


def manifest(image):
    return "items.jsonl", jsonl({"id": "i1", "data": {"image": image}})


@dataclass
class Case:
    upload: str  # the file name sent
    build: Callable[[], bytes]
    expect: str  # in the job's error messages
    images: bool = False  # an image project (zip uploads)
    settings: dict[str, int] = field(default_factory=dict)


CASES = {
    # zip bombs: the zip's unpacked size, an image over the byte limit
    "zip bomb (unpacks past the upload limit)": Case(
        "bomb.zip", lambda: zipped(("items.jsonl", b"\n" * (64 * MB))), "the zip unpacks to 67108864 bytes", True,
        {"ACCORD_MAX_UPLOAD_BYTES": 16 * MB},
    ),
    "zip bomb (one image of 60 MB of zeros)": Case(
        "bomb.zip", lambda: zipped(("huge.png", b"\0" * (60 * MB))), "the limit is 52428800 bytes", True
    ),
    # names that try to leave the folder, and links
    "traversal ../../x.png": Case("t.zip", lambda: zipped(("../../x.png", png())), "must stay inside the zip", True),
    "traversal ..\\..\\x.png": Case("t.zip", lambda: zipped(("..\\..\\x.png", png())), "must stay inside the zip", True),
    "absolute /srv/x.png": Case("t.zip", lambda: zipped(("/srv/x.png", png())), "must stay inside the zip", True),
    "traversal in the items file": Case(
        "t.zip", lambda: zipped(manifest("../x.png"), ("x.png", png())), "must stay inside the zip", True
    ),
    "absolute path in the items file": Case(
        "t.zip", lambda: zipped(manifest("/etc/passwd"), ("x.png", png())), "must stay inside the zip", True
    ),
    "symbolic link in the zip": Case(
        "l.zip", lambda: zipped(symlink("link.png", "/etc/passwd")), "is a symbolic link", True
    ),
    "symbolic link named by the items file": Case(
        "l.zip", lambda: zipped(manifest("link.png"), symlink("link.png", "../../../etc/passwd")), "is a symbolic link", True
    ),
    # images that are not what they say
    "PNG decompression bomb": Case("b.zip", lambda: zipped(("bomb.png", png_bomb())), "possible decompression bomb", True),
    "HTML named x.png": Case("h.zip", lambda: zipped(("x.png", HTML)), "is not an image Pillow can read", True),
    "truncated PNG": Case("p.zip", lambda: zipped(("cut.png", png()[:60])), "image cut.png is damaged", True),
    "zipped items file with a bad CRC": Case(
        "c.zip", lambda: zipped_damaged("items.jsonl", jsonl({"id": "i1", "data": {"image": "x.png"}})), "in the zip is damaged", True
    ),
    "zipped image with a bad CRC": Case("c.zip", lambda: zipped_damaged("x.png", png()), "image x.png is damaged", True),
    "not a zip behind the zip magic": Case("z.zip", lambda: b"PK\x03\x04" + b"\0" * 200, "is not a valid zip file", True),
    # NUL characters
    "NUL in a JSON string": Case("n.jsonl", lambda: jsonl(line("a\u0000b")), "holds a NUL character"),
    "NUL in an annotator name": Case("n.jsonl", lambda: jsonl(line(annotator="ali\u0000ce")), "holds a NUL character"),
    "NUL in an id": Case("n.jsonl", lambda: jsonl(line(external_id="a\u0000")), "holds a NUL character"),
    "raw NUL byte in a JSON line": Case("n.jsonl", lambda: b'{"id": "a", "data": {"text": "a\x00b"}}\n', "holds a NUL character"),
    "NUL in a JSON array": Case("n.json", lambda: json.dumps([line(), line("x\u0000", external_id="b")]).encode(), "holds a NUL character"),
    "NUL in a CSV cell": Case("n.csv", lambda: b"id,text\na,te\x00xt\n", "holds a NUL character"),
    "NUL in a CSV annotator": Case("n.csv", lambda: b"id,text,annotator,label\na,t,bo\x00b,positive\n", "holds a NUL character"),
    "NUL in a CSV data column": Case("n.csv", lambda: b'id,data\na,"{""text"": ""x\\u0000""}"\n', "holds a NUL character"),
    "NUL in a zipped items file": Case(
        "n.zip", lambda: zipped(("items.jsonl", jsonl({"id": "i\u0000", "data": {"image": "x.png"}})), ("x.png", png())), "holds a NUL character", True
    ),
    # wrong encodings
    "UTF-16 JSON Lines": Case("u.jsonl", lambda: jsonl(line()).decode().encode("utf-16"), "The file is UTF-16"),
    "UTF-16 CSV": Case("u.csv", lambda: "id,text\na,b\n".encode("utf-16"), "The file is UTF-16"),
    "UTF-16 JSON array": Case("u.json", lambda: json.dumps([line()]).encode("utf-16"), "not UTF-8 at byte 0"),
    "UTF-16 without a byte order mark": Case("u.jsonl", lambda: jsonl(line()).decode().encode("utf-16-le"), "holds a NUL character"),
    "latin-1 JSON Lines": Case("l.jsonl", lambda: jsonl(line()) + '{"id": "b", "data": {"text": "café"}}\n'.encode("latin-1"), "not UTF-8 at byte"),
    "latin-1 CSV": Case("l.csv", lambda: "id,text\na,café\n".encode("latin-1"), "not UTF-8 at byte"),
    "latin-1 JSON array": Case("l.json", lambda: json.dumps([line("café")], ensure_ascii=False).encode("latin-1"), "not UTF-8 at byte"),
    "latin-1 zipped items file": Case(
        "l.zip", lambda: zipped(("items.jsonl", '{"id": "é", "data": {"image": "x.png"}}\n'.encode("latin-1")), ("x.png", png())), "not UTF-8 at byte", True
    ),
    # sizes
    "a 2 MB JSON line": Case("s.jsonl", lambda: jsonl(line(), line("x" * (2 * MB), external_id="b")), "(ACCORD_MAX_ITEM_BYTES)"),
    "a 3 MB JSON array element": Case("s.json", lambda: json.dumps([line("x" * (3 * MB))]).encode(), "(ACCORD_MAX_ITEM_BYTES)"),
    "a 2 MB CSV row": Case("s.csv", lambda: b"id,text\na," + b"x" * (2 * MB) + b"\n", "(ACCORD_MAX_ITEM_BYTES)"),
    "a CSV cell over the csv field limit": Case("s.csv", lambda: b'id,text\na,"' + b"q" * 200_000 + b'"\n', "longer than 131,072 characters"),
}

REFUSED_AT_UPLOAD = {
    "an HTML file": ("x.html", HTML, "upload a .jsonl, .json, .csv, .conll, .txt or .zip file"),
    "a zip named .jsonl": ("x.jsonl", zipped(("a.png", b"1")), "the content does not match the .jsonl name"),
    "a .zip that is no zip": ("x.zip", b"<html>", "the content does not match the .zip name"),
    "an empty file": ("x.jsonl", b"", "x.jsonl is empty"),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, project, name, data, capture):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with capture(execute=True):
        return client.post(
            f"/api/projects/{project.pk}/imports", {"file": SimpleUploadedFile(name, data)}, format="multipart"
        )


def nothing_written(project, media):
    """No items or annotations, no file under MEDIA_ROOT but the upload, nothing outside it."""
    assert not Item.objects.filter(project=project).exists()
    assert not Annotation.objects.filter(project=project).exists()
    stored = [p.relative_to(media).parts[0] for p in media.rglob("*") if p.is_file()]
    assert set(stored) <= {"imports"}, stored
    assert not list(media.parent.rglob("x.png"))


@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_upload_is_refused_with_its_reason_and_writes_nothing(
    name, lead, project, api_as, settings, media, django_capture_on_commit_callbacks
):
    case = CASES[name]
    for setting, value in case.settings.items():
        setattr(settings, setting, value)
    target = project
    if case.images:
        target = ProjectFactory(schema=IMAGE_SCHEMA)
        Membership.objects.create(project=target, user=lead, role=Role.LEAD)

    response = upload(api_as(lead), target, case.upload, case.build(), django_capture_on_commit_callbacks)

    assert response.status_code == 202, response.content
    job = ImportJob.objects.get(pk=response.json()["id"])
    messages = " | ".join(str(error["message"]) for error in job.errors)
    assert job.status == JobStatus.FAILED, messages
    assert case.expect in messages
    assert "internal error" not in messages
    nothing_written(target, media)


@pytest.mark.parametrize("name", list(REFUSED_AT_UPLOAD))
def test_a_hostile_upload_is_refused_before_it_is_stored(name, lead, project, api_as, media, django_capture_on_commit_callbacks):
    filename, data, expect = REFUSED_AT_UPLOAD[name]

    response = upload(api_as(lead), project, filename, data, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert expect in response.json()["detail"]
    assert not ImportJob.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_polyglot_png_html_is_accepted_only_as_a_png(lead, api_as, media, django_capture_on_commit_callbacks):
    project = ProjectFactory(schema=IMAGE_SCHEMA)
    Membership.objects.create(project=project, user=lead, role=Role.LEAD)

    upload(api_as(lead), project, "poly.zip", zipped(("poly.html", png() + HTML)), django_capture_on_commit_callbacks)

    item = Item.objects.get(project=Project.objects.get(pk=project.pk))
    assert item.image.name.endswith(".png")
    assert not list(media.rglob("*.html"))
    served = api_as(lead).get(f"/api/projects/{project.pk}/items/{item.pk}/image")
    assert (served["Content-Type"], served["Content-Security-Policy"]) == ("image/png", "sandbox")
