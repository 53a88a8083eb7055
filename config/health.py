"""Health probes: /healthz (the process answers) and /readyz (its dependencies answer).

/readyz checks the database, the Celery broker and the file storage, and answers 503 naming
each one that failed, so a load balancer or `docker compose` stops sending traffic to a web
process that cannot serve it. The bodies carry only "ok" or the exception's class name: the
probes are unauthenticated, and an error message can hold host names or credentials (the
full error goes to the log).

`HealthProbeMiddleware` (first in MIDDLEWARE) answers both paths before Django validates the
Host header or redirects to HTTPS: a probe from inside the container comes over plain HTTP to
127.0.0.1, which a production ALLOWED_HOSTS rightly refuses for everything else.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse

from config.celery import app as celery_app

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_S = 3  # a probe must answer well inside the orchestrator's own timeout
PROBE_NAME = ".readyz-probe"  # looked up, never written, on a remote storage


def database_check() -> None:
    """Open (or reuse) the default connection and run one trivial query."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def broker_check() -> None:
    """Connect to the Celery broker once, without the default retry loop."""
    with celery_app.connection_for_write(connect_timeout=BROKER_TIMEOUT_S) as broker:
        broker.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_S
        )
        if broker.transport_cls == "filesystem":
            # kombu's filesystem transport "connects" to anything; the queue folder must exist.
            options = broker.transport_options
            _writable_folder(Path(options.get("data_folder_in", ".")))


def storage_check() -> None:
    """The media storage answers: a writable folder locally, a lookup on a remote store."""
    if isinstance(default_storage, FileSystemStorage):
        _writable_folder(Path(default_storage.location))
        return
    default_storage.exists(PROBE_NAME)


def _writable_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"{folder} is not writable")


CHECKS: dict[str, Callable[[], None]] = {
    "database": database_check,
    "broker": broker_check,
    "storage": storage_check,
}


def healthz(request: HttpRequest) -> JsonResponse:
    """200 whenever the process can answer at all; touches no dependency."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """200 when every check passes; 503 with the failed checks named otherwise."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure means "not ready", whatever raised it
            logger.warning("readiness check %s failed: %r", name, error)
            results[name] = f"error: {type(error).__name__}"
        else:
            results[name] = "ok"
    failed = [name for name, result in results.items() if result != "ok"]
    body = {"status": "unavailable" if failed else "ok", "checks": results, "failed": failed}
    return JsonResponse(body, status=503 if failed else 200)


PROBES: dict[str, Callable[[HttpRequest], JsonResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
}


class HealthProbeMiddleware:
    """Answer GET/HEAD on the probe paths before host validation and the HTTPS redirect."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info.rstrip("/"))
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
