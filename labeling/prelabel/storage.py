"""Fitted models in the media storage: models/<project id>/<version>.joblib, cached per process.

The storage is the bucket or folder every worker shares (labeling.file_storage), so a model
trained on one machine predicts on another. Workers load a model once and keep it (a small
LRU), so batches do not re-read it.
"""

from __future__ import annotations

import re
import tempfile
import threading
from collections import OrderedDict

import joblib
from django.core.files import File
from django.core.files.storage import default_storage

from labeling.prelabel.base import Backend

CACHE_SIZE = 4
SPOOL_BYTES = 16 * 1024 * 1024  # models up to this size are (de)serialised in memory
_cache: OrderedDict[str, Backend] = OrderedDict()
_lock = threading.Lock()


def model_name(project_id: int, version: str) -> str:
    """The storage name of a fitted model version (the version is made filename-safe)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", version)
    return f"models/{project_id}/{safe}.joblib"


def model_exists(*, project_id: int, version: str) -> bool:
    """True when the version's fitted model is in the storage."""
    return default_storage.exists(model_name(project_id, version))


def model_save(backend: Backend, *, project_id: int, version: str) -> str:
    """Store the fitted backend under its name (replacing an older file) and cache it.

    The bytes are written in full before the storage sees them (one upload on S3, a new file
    locally). Returns the storage name.
    """
    name = model_name(project_id, version)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as buffer:
        joblib.dump(backend, buffer, compress=3)
        buffer.seek(0)
        if default_storage.exists(name):
            default_storage.delete(name)
        stored = default_storage.save(name, File(buffer, name=name))
    _remember(stored, backend)
    return stored


def model_load(*, project_id: int, version: str) -> Backend | None:
    """The fitted backend of a version, or None if the storage does not have it."""
    name = model_name(project_id, version)
    with _lock:
        if name in _cache:
            _cache.move_to_end(name)
            return _cache[name]
    if not default_storage.exists(name):
        return None
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as buffer:
        with default_storage.open(name, "rb") as stored:
            for chunk in stored.chunks():
                buffer.write(chunk)
        buffer.seek(0)
        backend = joblib.load(buffer)  # our own models, written by model_save
    _remember(name, backend)
    return backend


def _remember(key: str, backend: Backend) -> None:
    with _lock:
        _cache[key] = backend
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
