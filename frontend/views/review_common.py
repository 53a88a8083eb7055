"""Helpers shared by the review pages: role errors to HTTP errors, values as short text."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from labeling.exceptions import NotFound, PermissionDenied

View = Callable[..., HttpResponse]


def review_page(view: View) -> View:
    """Log-in required; outsiders get 404 and annotators 403 from the selectors' domain errors."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error
        except PermissionDenied as error:
            raise DjangoPermissionDenied(error.message) from error

    return wrapper


def value_text(value: Any) -> str:
    """A value as the reviewer reads it: "positive", "a, b", "4", or compact JSON. '' for None."""
    if value is None:
        return ""
    if isinstance(value, dict):
        if "label" in value:
            return str(value["label"])
        if "rating" in value:
            return str(value["rating"])
        if isinstance(value.get("labels"), list):
            return ", ".join(str(label) for label in value["labels"])
    return json.dumps(value, sort_keys=True)


def seconds(lead_time_ms: int | None) -> str:
    """Time spent as '12.3 s' ('' when unknown)."""
    return "" if lead_time_ms is None else f"{lead_time_ms / 1000:.1f} s"
