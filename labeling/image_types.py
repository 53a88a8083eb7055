"""What an image file is, from its content (Pillow), never from its name.

The importer stores an image under a name Accord chooses with the extension of the format
Pillow detected, and the image endpoint serves it with that format's content type: a PNG
with HTML appended, named poly.html, is stored and served as image/png (issue 21).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True)
class ImageType:
    format: str  # Pillow's name: PNG, JPEG, ...
    mime: str
    extension: str  # without the dot


# The formats browsers show; other formats Pillow reads get Pillow's MIME type (or a
# download type) and a name from the format, never a type a browser would run.
WEB_TYPES = {
    "PNG": ImageType("PNG", "image/png", "png"),
    "JPEG": ImageType("JPEG", "image/jpeg", "jpg"),
    "GIF": ImageType("GIF", "image/gif", "gif"),
    "WEBP": ImageType("WEBP", "image/webp", "webp"),
    "BMP": ImageType("BMP", "image/bmp", "bmp"),
    "TIFF": ImageType("TIFF", "image/tiff", "tiff"),
}


def image_type_of(fmt: str | None) -> ImageType:
    """The ImageType of a Pillow format name (Image.format)."""
    name = fmt or "unknown"
    known = WEB_TYPES.get(name)
    if known is not None:
        return known
    mime = Image.MIME.get(name, OCTET_STREAM)
    if not mime.startswith("image/") or "svg" in mime or "xml" in mime:
        mime = OCTET_STREAM
    extension = re.sub(r"[^a-z0-9]", "", name.lower()) or "bin"
    return ImageType(name, mime, extension)


def image_type_detect(handle: BinaryIO) -> ImageType | None:
    """The type of the image in `handle` (read from its header), or None when Pillow cannot tell.

    Leaves `handle` at its start.
    """
    try:
        with Image.open(handle) as image:
            fmt = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        handle.seek(0)
    return image_type_of(fmt)
