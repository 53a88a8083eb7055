"""Helpers shared by the review pages: role errors to HTTP errors, times as short text.

Values read as text through labeling.values.value_text, the rule every page shares.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse

from frontend.views.access import member_page

View = Callable[..., HttpResponse]


# Review pages: outsiders 404, annotators 403 (the selectors raise the domain errors).
review_page = member_page


def seconds(lead_time_ms: int | None) -> str:
    """Time spent as '12.3 s' ('' when unknown)."""
    return "" if lead_time_ms is None else f"{lead_time_ms / 1000:.1f} s"
