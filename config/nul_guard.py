"""Refuse requests whose query string, form or JSON body holds a NUL character, with a clear 400.

Without it `?label=%00` reached PostgreSQL and came back as a 500 (an HTML page even on the
API; issue 21). /api/ paths get JSON ({"detail", "code"}), pages plain text.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError

from labeling.nul_characters import NUL, nul_found

MESSAGE = "The request holds a NUL character (%00 or \\u0000), which Accord does not accept"
CODE = "nul_character"


class NulGuardMiddleware:
    """Answer 400 before any view runs when the request carries a NUL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request_holds_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": MESSAGE, "code": CODE}, status=400)
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def request_holds_nul(request: HttpRequest) -> bool:
    """NUL in a query parameter (name or value), a form field, or a JSON body's strings."""
    if _query_dict_holds_nul(request.GET):
        return True
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return False
    content_type = request.content_type or ""
    if content_type == "application/json":
        return _json_holds_nul(request.body)
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            return _query_dict_holds_nul(request.POST)
        except MultiPartParserError:
            return False  # a malformed form: the view (or DRF) reports it
    return False


def _query_dict_holds_nul(values: object) -> bool:
    return any(NUL in key or any(NUL in value for value in values.getlist(key)) for key in values)  # type: ignore[attr-defined]


def _json_holds_nul(body: bytes) -> bool:
    if b"\x00" not in body and b"\\u0000" not in body:
        return False  # the usual case: no decoding here
    try:
        return nul_found(json.loads(body))
    except (ValueError, UnicodeDecodeError):
        return b"\x00" in body  # not JSON: the view reports that, unless it holds a raw NUL
