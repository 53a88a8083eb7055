"""Helpers shared by the review pages: role errors to HTTP errors, values as short text."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse

from frontend.views.access import member_page

View = Callable[..., HttpResponse]


# Review pages: outsiders 404, annotators 403 (the selectors raise the domain errors).
review_page = member_page


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
