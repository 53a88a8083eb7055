"""Image imports from a zip or a folder: stored with their size; bad images stop the import."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib

import pytest
from django.core.management import call_command
from PIL import Image

from labeling.exceptions import ImportFailed
from labeling.models import Annotation, Item
from labeling.services.imports import import_file
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

IMAGE_SCHEMA = {
    "kind": "boxes",
    "data": "image",
    "labels": [{"value": "car"}, {"value": "bike"}],
    "settings": {"overlap": 2, "aggregation": "majority"},
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def image_project(db):
    return ProjectFactory(schema=IMAGE_SCHEMA)


def png_bytes(width=4, height=3, color=(200, 10, 10)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def bomb_png(width=100_000, height=100_000):
    """A tiny PNG whose header declares huge dimensions (a decompression bomb)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


def make_zip(path, files):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def manifest(*lines):
    return "".join(json.dumps(line) + "\n" for line in lines)


def counts():
    return Item.objects.count(), Annotation.objects.count()


def test_zip_with_items_file_imports_images_with_their_size(image_project, tmp_path, media):
    box = {"boxes": [{"x": 1, "y": 1, "width": 2, "height": 1, "label": "car"}]}
    path = make_zip(
        tmp_path / "batch.zip",
        {
            "items.jsonl": manifest(
                {"id": "img-7", "data": {"image": "photos/7.png"}, "annotations": [{"annotator": "ann", "value": box}]}
            ),
            "photos/7.png": png_bytes(4, 3),
        },
    )

    result = import_file(project=image_project, path=path)

    assert (result.items, result.annotations) == (1, 1)
    item = Item.objects.get(external_id="img-7")
    assert (item.width, item.height) == (4, 3)
    assert item.data == {"image": "photos/7.png"}
    with item.image.open("rb") as stored:
        assert Image.open(stored).size == (4, 3)


def test_plain_zip_of_images_gives_one_item_per_image(image_project, tmp_path):
    path = make_zip(tmp_path / "pics.zip", {"a.png": png_bytes(2, 2), "sub/b.png": png_bytes(5, 1)})

    import_file(project=image_project, path=path)

    sizes = dict(Item.objects.values_list("external_id", "width"))
    assert sizes == {"a.png": 2, "sub/b.png": 5}


def test_items_file_with_an_images_folder(image_project, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "1.png").write_bytes(png_bytes(6, 6))
    items = tmp_path / "items.jsonl"
    items.write_text(manifest({"id": "one", "data": {"image": "1.png"}}), encoding="utf-8")

    call_command("import_items", str(image_project.pk), str(items), "--images", str(folder))

    assert Item.objects.get(external_id="one").height == 6


def test_a_file_that_is_not_an_image_is_reported(image_project, tmp_path, media):
    path = make_zip(tmp_path / "pics.zip", {"a.png": png_bytes(), "notes.png": b"just some text"})

    with pytest.raises(ImportFailed) as failure:
        import_file(project=image_project, path=path)

    assert failure.value.details == [{"line": 2, "message": "item notes.png: notes.png is not an image Pillow can read"}]
    assert counts() == (0, 0)
    assert list(media.rglob("*.png")) == []


def test_an_image_bomb_gets_its_own_message(image_project, tmp_path):
    path = make_zip(tmp_path / "pics.zip", {"bomb.png": bomb_png()})

    with pytest.raises(ImportFailed) as failure:
        import_file(project=image_project, path=path)

    assert "possible decompression bomb" in failure.value.details[0]["message"]
    assert counts() == (0, 0)


def test_the_pixel_limit_comes_from_settings(image_project, tmp_path, settings):
    settings.ACCORD_MAX_IMAGE_PIXELS = 20
    path = make_zip(tmp_path / "pics.zip", {"big.png": png_bytes(5, 5), "small.png": png_bytes(4, 4)})

    with pytest.raises(ImportFailed) as failure:
        import_file(project=image_project, path=path)

    assert failure.value.details == [
        {"line": 1, "message": "item big.png: image big.png is a possible decompression bomb (25 pixels; the limit is 20 pixels)"},
    ]
    assert counts() == (0, 0)


def test_an_image_over_the_byte_limit_is_reported(image_project, tmp_path, settings):
    settings.ACCORD_MAX_IMAGE_BYTES = 10
    path = make_zip(tmp_path / "pics.zip", {"a.png": png_bytes()})

    with pytest.raises(ImportFailed) as failure:
        import_file(project=image_project, path=path)

    assert "the limit is 10 bytes" in failure.value.details[0]["message"]
    assert counts() == (0, 0)


def test_a_missing_image_is_reported(image_project, tmp_path):
    path = make_zip(tmp_path / "batch.zip", {"items.jsonl": manifest({"id": "x", "data": {"image": "nope.png"}})})

    with pytest.raises(ImportFailed) as failure:
        import_file(project=image_project, path=path)

    assert failure.value.details == [{"line": 1, "message": "item x: image nope.png is not in the zip"}]


def test_image_paths_cannot_leave_the_folder(image_project, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    items = tmp_path / "items.jsonl"
    items.write_text(manifest({"id": "x", "data": {"image": "../secret.png"}}), encoding="utf-8")

    with pytest.raises(ImportFailed) as failure:
        import_file(project=image_project, path=items, images=folder)

    assert "must stay inside the folder" in failure.value.details[0]["message"]
