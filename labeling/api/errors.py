"""Map domain exceptions to HTTP responses, so views need no try/except; and document them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from labeling.exceptions import AccordError

ERROR_MEANINGS = {
    400: "Invalid input: {detail, code, errors?} or, for a malformed body, {field: [messages]}",
    401: "Not authenticated: no token or session, or a bad token",
    403: "A project member whose role does not allow this",
    404: "No such object here (outsiders get 404 too: a project's existence is not revealed)",
    409: "The object's state does not allow this now (closed, settled, not acknowledged)",
}


class ErrorSerializer(serializers.Serializer):
    """The error body every 401/403/404/409 carries."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    errors = serializers.JSONField(required=False)


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for these error statuses, for `extend_schema(responses={...})`."""
    return {
        code: OpenApiResponse(
            OpenApiTypes.OBJECT if code == 400 else ErrorSerializer, description=ERROR_MEANINGS[code]
        )
        for code in codes
    }


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler: AccordError -> {"detail", "code", "errors"?} with its status."""
    if isinstance(exc, AccordError):
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if exc.details is not None:
            body["errors"] = exc.details
        return Response(body, status=exc.status_code)
    return drf_exception_handler(exc, context)
