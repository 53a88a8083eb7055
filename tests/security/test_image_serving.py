"""Imported images are stored under Accord's names and served as what Pillow detects (issue 21).

The probe's case: a PNG with HTML appended, named poly.html in an import zip, passed the
Pillow check and was served as text/html from Accord's origin (stored XSS).
"""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from labeling.models import Item, Membership, Role
from labeling.services.imports import import_file
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

IMAGE_SCHEMA = {"kind": "boxes", "data": "image", "labels": [{"value": "car"}]}
HTML = b"<html><body><script>fetch('/api/projects').then(r=>r.text()).then(alert)</script></body></html>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def image_bytes(fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (0, 90, 200)).save(buffer, format=fmt)
    return buffer.getvalue()


def imported(tmp_path, name, data):
    """Import a zip holding one file `name`; return the project, its item and a reviewer."""
    project = ProjectFactory(schema=IMAGE_SCHEMA)
    reviewer = UserFactory(username="rev")
    Membership.objects.create(project=project, user=reviewer, role=Role.REVIEWER)
    path = tmp_path / "upload.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(name, data)
    import_file(project=project, path=path, fmt="images")
    return project, Item.objects.get(project=project), reviewer


def test_a_png_html_polyglot_is_stored_as_png_under_a_name_accord_chose(tmp_path):
    _, item, _ = imported(tmp_path, "poly.html", image_bytes() + HTML)

    stored = item.image.name
    assert stored.endswith(".png")
    assert "poly" not in stored
    assert item.data == {"image": "poly.html"}  # the file's own name stays in the data


def test_a_png_html_polyglot_is_served_as_a_sandboxed_png(tmp_path, api_as):
    project, item, reviewer = imported(tmp_path, "poly.html", image_bytes() + HTML)

    response = api_as(reviewer).get(f"/api/projects/{project.pk}/items/{item.pk}/image")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Content-Disposition"] == f'inline; filename="item-{item.pk}.png"'
    assert b"".join(response.streaming_content).endswith(HTML)  # the bytes are untouched


@pytest.mark.parametrize(("fmt", "name", "mime", "extension"), [("JPEG", "a.png", "image/jpeg", "jpg"), ("GIF", "b.svg", "image/gif", "gif")])
def test_the_type_comes_from_the_content_never_from_the_name(tmp_path, api_as, fmt, name, mime, extension):
    project, item, reviewer = imported(tmp_path, name, image_bytes(fmt))

    response = api_as(reviewer).get(f"/api/projects/{project.pk}/items/{item.pk}/image")

    assert item.image.name.endswith(f".{extension}")
    assert response["Content-Type"] == mime
    assert response["Content-Disposition"] == f'inline; filename="item-{item.pk}.{extension}"'


def test_a_stored_file_that_is_no_longer_an_image_is_not_served(tmp_path, api_as):
    project, item, reviewer = imported(tmp_path, "x.png", image_bytes())
    with open(item.image.path, "wb") as handle:  # replaced behind Accord's back
        handle.write(HTML)

    response = api_as(reviewer).get(f"/api/projects/{project.pk}/items/{item.pk}/image")

    assert response.status_code == 404
    assert "text/html" not in response.get("Content-Type", "")
