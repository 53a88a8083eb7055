"""Files Accord keeps, read through Django's storage API (local folder or S3 bucket).

Workers run on any machine: a file another process stored is reached by its storage name,
never by a path on this machine's disk. Code that needs a real file (the importer's forked
parser, zip archives, seekable reads) asks `local_copy`, which hands out the storage's own
file when the storage is a local folder and a temporary copy otherwise.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.core.files.storage import FileSystemStorage, default_storage

COPY_CHUNK = 1 << 20


@contextmanager
def local_copy(name: str) -> Iterator[Path]:
    """A local file with the content of stored file `name`, for the duration of the block.

    On a local folder storage this is the stored file itself (no copy of a 2 GB upload). On a
    remote one it is a temporary file, with the same suffix (format detection goes by it),
    deleted on exit. Raises FileNotFoundError (local) or the backend's error when `name` is gone.
    """
    if storage_is_local():
        path = Path(default_storage.path(name))
        if not path.is_file():
            raise FileNotFoundError(f"{name} is not in the media storage")
        yield path
        return
    suffix = PurePosixPath(name).suffix
    with tempfile.TemporaryDirectory(prefix="accord-") as folder:
        target = Path(folder) / f"stored{suffix}"
        with default_storage.open(name, "rb") as source, target.open("wb") as sink:
            shutil.copyfileobj(source, sink, COPY_CHUNK)
        yield target


def storage_is_local() -> bool:
    """True when the media storage is a folder on this machine (MEDIA_ROOT)."""
    return isinstance(default_storage, FileSystemStorage)  # the lazy proxy passes isinstance
