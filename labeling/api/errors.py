"""Map domain exceptions to HTTP responses, so views need no try/except."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from labeling.exceptions import AccordError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler: AccordError -> {"detail", "code", "errors"?} with its status."""
    if isinstance(exc, AccordError):
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if exc.details is not None:
            body["errors"] = exc.details
        return Response(body, status=exc.status_code)
    return drf_exception_handler(exc, context)
