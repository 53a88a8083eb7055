"""Fitted models on disk: MEDIA_ROOT/models/<project id>/<version>.joblib, cached per process.

Workers load a model once and keep it (a small LRU), so batches do not re-read the file.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from pathlib import Path

import joblib
from django.conf import settings

from labeling.prelabel.base import Backend

CACHE_SIZE = 4
_cache: OrderedDict[str, Backend] = OrderedDict()
_lock = threading.Lock()


def model_path(project_id: int, version: str) -> Path:
    """Where a fitted model version lives (the version is made filename-safe)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", version)
    return Path(settings.MEDIA_ROOT) / "models" / str(project_id) / f"{safe}.joblib"


def model_save(backend: Backend, *, project_id: int, version: str) -> Path:
    """Write the fitted backend atomically (temp file, then rename) and cache it."""
    path = model_path(project_id, version)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    joblib.dump(backend, temporary, compress=3)
    temporary.replace(path)
    _remember(str(path), backend)
    return path


def model_load(*, project_id: int, version: str) -> Backend | None:
    """The fitted backend of a version, or None if its file is missing."""
    path = model_path(project_id, version)
    with _lock:
        if str(path) in _cache:
            _cache.move_to_end(str(path))
            return _cache[str(path)]
    if not path.exists():
        return None
    backend = joblib.load(path)
    _remember(str(path), backend)
    return backend


def _remember(key: str, backend: Backend) -> None:
    with _lock:
        _cache[key] = backend
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
