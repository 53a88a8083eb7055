"""A request id for every request and task, carried into every log line (issue 18).

`RequestIdMiddleware` takes the proxy's X-Request-ID when it looks like an id (letters, digits,
dashes, at most 64 characters: a client cannot inject text into the logs through it), makes
one otherwise, and returns it in the response's X-Request-ID. Celery tasks use their task id.
`RequestIdFilter` puts the current id on each log record as `request_id` ("-" outside both).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from celery import signals
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
SAFE_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
current_request_id: ContextVar[str] = ContextVar("request_id", default="-")


def request_id_for(request: HttpRequest) -> str:
    """The proxy's id when it is safe to log as is, else a new random one."""
    given = request.headers.get(HEADER, "")
    return given if SAFE_ID.fullmatch(given) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Set the request id for the duration of the request and echo it in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request)
        # Not reset after the response: Django logs a 4xx/5xx ("Not Found: /x") once every
        # middleware has returned, and that line must carry the id too. The next request
        # served by this thread sets its own.
        current_request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Add `request_id` to every record (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


@signals.task_prerun.connect
def _task_request_id(task_id: str | None = None, **_: Any) -> None:
    current_request_id.set(task_id or "-")


@signals.task_postrun.connect
def _task_request_id_done(**_: Any) -> None:
    current_request_id.set("-")
