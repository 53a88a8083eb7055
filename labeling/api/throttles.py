"""API rate limits per user (token or session) and per address for anonymous requests.

DRF's throttles read their rates once, at import; these read ACCORD_API_RATE_USER and
ACCORD_API_RATE_ANON from settings on every request, so tests and deployments can change
them, and an empty rate turns the throttle off without touching the cache.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class UserApiThrottle(UserRateThrottle):
    """Requests per authenticated user (anonymous ones by address), e.g. "1200/minute"."""

    def get_rate(self) -> str | None:
        return settings.ACCORD_API_RATE_USER or None


class AnonApiThrottle(AnonRateThrottle):
    """Requests per address from anonymous clients, e.g. "120/minute"."""

    def get_rate(self) -> str | None:
        return settings.ACCORD_API_RATE_ANON or None
