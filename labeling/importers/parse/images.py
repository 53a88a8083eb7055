"""Images from a zip file or a folder: find them, check them with Pillow, read their bytes.

Item lines reference images by relative path ({"image": "photos/7.jpg"}). A zip or folder
with no items file becomes one item per image, its path as the item id.
"""

from __future__ import annotations

import stat
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO, NamedTuple

from django.conf import settings
from PIL import Image, UnidentifiedImageError

from labeling.image_types import ImageType, image_type_of
from labeling.importers.parse.records import ItemRecord

MANIFEST_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv")


class ImageProblem(Exception):
    """The image is missing, too large, not an image, or a decompression bomb."""


class ImageFacts(NamedTuple):
    width: int
    height: int
    type: ImageType  # from the content, as Pillow detected it


class ImageSource:
    """Read-only access to the files of a zip or a folder, by relative POSIX path.

    Nothing is extracted: zip members are read in memory, so names like ../../x.png or
    /etc/x.png never become paths; folder paths must resolve inside the folder (symbolic
    links out of it are refused), and zip members that are symbolic links are refused.
    """

    def __init__(self, location: str | Path) -> None:
        self.location = Path(location)
        self.zip = _zip_open(self.location) if self.location.is_file() else None
        if self.zip is None and not self.location.is_dir():
            raise ImageProblem(f"{location} is neither a zip file nor a folder")

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def names(self) -> list[str]:
        """Every file's relative path, sorted; hidden files and folders are left out.

        Unsafe names (../x.png, /x.png) are kept, so that checking them reports them.
        """
        if self.zip is not None:
            found = [info.filename for info in self.zip.infolist() if not info.is_dir()]
        else:
            found = [p.relative_to(self.location).as_posix() for p in self.location.rglob("*") if p.is_file()]
        return sorted(n for n in found if _unsafe(n) or not any(part.startswith((".", "__")) for part in n.split("/")))

    def size(self, name: str) -> int:
        if _unsafe(name):
            raise ImageProblem(f"image path {name} must stay inside the {'zip' if self.zip else 'folder'} (no .. and no leading /)")
        if self.zip is not None:
            try:
                info = self.zip.getinfo(name)
            except KeyError:
                raise ImageProblem(f"image {name} is not in the zip") from None
            if stat.S_ISLNK(info.external_attr >> 16):
                raise ImageProblem(f"{name} is a symbolic link; links in a zip are not followed")
            return info.file_size
        path = self._path(name)
        if not path.is_file():
            raise ImageProblem(f"image {name} is not in the folder")
        return path.stat().st_size

    def open(self, name: str) -> BinaryIO:
        if self.zip is not None:
            return self.zip.open(name)
        return self._path(name).open("rb")

    def _path(self, name: str) -> Path:
        if _unsafe(name):
            raise ImageProblem(f"image path {name} must stay inside the folder")
        path = self.location.joinpath(*PurePosixPath(name).parts)
        if not path.resolve().is_relative_to(self.location.resolve()):
            raise ImageProblem(f"image {name} is a link to a file outside the folder")
        return path

    def manifest(self) -> str | None:
        """The one items file at the top level (jsonl, json or csv), if there is exactly one."""
        top = [n for n in self.names() if "/" not in n and n.lower().endswith(MANIFEST_SUFFIXES)]
        return top[0] if len(top) == 1 else None


def _unsafe(name: str) -> bool:
    """An absolute path or one with a .. part (either slash), which could leave the folder."""
    relative = PurePosixPath(name.replace("\\", "/"))
    return relative.is_absolute() or ".." in relative.parts


def _zip_open(path: Path) -> zipfile.ZipFile:
    """Open a zip; refuse a broken one, or one that unpacks to more than an upload may hold."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ImageProblem(f"{path.name} is not a valid zip file") from None
    unpacked = sum(info.file_size for info in archive.infolist())
    limit = settings.ACCORD_MAX_UPLOAD_BYTES
    if unpacked > limit:
        archive.close()
        raise ImageProblem(
            f"the zip unpacks to {unpacked} bytes; the limit is {limit} bytes (ACCORD_MAX_UPLOAD_BYTES)"
        )
    return archive


def image_inspect(source: ImageSource, name: str) -> ImageFacts:
    """Check one image and return its ImageFacts; raise ImageProblem with a clear message.

    Limits: settings.ACCORD_MAX_IMAGE_BYTES for the file and ACCORD_MAX_IMAGE_PIXELS for
    width x height (a small file declaring huge dimensions is a decompression bomb).
    """
    size = source.size(name)
    if size > settings.ACCORD_MAX_IMAGE_BYTES:
        raise ImageProblem(
            f"image {name} is {size} bytes; the limit is {settings.ACCORD_MAX_IMAGE_BYTES} bytes"
        )
    limit = settings.ACCORD_MAX_IMAGE_PIXELS
    with source.open(name) as handle, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(handle) as image:
                width, height = image.size
                if width * height > limit:
                    raise ImageProblem(_bomb_message(name, width * height, limit))
                detected = image_type_of(image.format)
                image.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageProblem(_bomb_message(name, None, limit)) from None
        except UnidentifiedImageError:
            raise ImageProblem(f"{name} is not an image Pillow can read") from None
        except (OSError, SyntaxError, ValueError, zipfile.BadZipFile) as error:
            raise ImageProblem(f"image {name} is damaged: {error}") from None
    return ImageFacts(width, height, detected)


def _bomb_message(name: str, pixels: int | None, limit: int) -> str:
    size = f"{pixels} pixels" if pixels else "more pixels than allowed"
    return f"image {name} is a possible decompression bomb ({size}; the limit is {limit} pixels)"


def read_image_folder(source: ImageSource) -> Iterator[ItemRecord]:
    """One item per file; the id and data.image are its relative path.

    Every file becomes an item, so that pass 1 reports the ones that are not images.
    """
    for number, name in enumerate(source.names(), start=1):
        yield ItemRecord(line=number, external_id=name, data={"image": name})
