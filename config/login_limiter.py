"""Failed-login limiter shared by the login page and POST /api/auth/token.

Counts login attempts per username and per client address in the shared cache (Redis in
production, so every gunicorn worker sees the same counts). Once either count passes its
limit, every attempt for that username or from that address is refused, the right password
included, until the window that started with the first attempt runs out. A successful login
clears its username's count and takes itself off the address's, so what is left counted is
failures (one attacker can try many usernames from one address).

Limits come from settings: ACCORD_LOGIN_MAX_FAILURES_PER_USER, ..._PER_ADDRESS and
ACCORD_LOGIN_WINDOW_SECONDS; a limit of 0 turns that counter off.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

_PREFIX = "accord:login-fail"


def _keys(kind: str, value: str) -> tuple[str, str]:
    # Hash so that any username (spaces, unicode) is a valid cache key of fixed length.
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]
    return f"{_PREFIX}:{kind}:{digest}", f"{_PREFIX}:{kind}:{digest}:until"


def _counters(username: str, address: str) -> list[tuple[tuple[str, str], int]]:
    """((count key, until key), limit) for each counter of this attempt; a limit of 0 is off."""
    pairs = [
        (_keys("user", username.strip().casefold()), settings.ACCORD_LOGIN_MAX_FAILURES_PER_USER),
        (_keys("addr", address), settings.ACCORD_LOGIN_MAX_FAILURES_PER_ADDRESS),
    ]
    return [(keys, limit) for keys, limit in pairs if limit > 0]


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with ACCORD_NUM_PROXIES = n > 0 the n-th address
    from the right of X-Forwarded-For (the one our own nearest proxy saw); the same rule DRF's
    throttles use with NUM_PROXIES. Addresses further left are the client's to forge."""
    remote = str(request.META.get("REMOTE_ADDR") or "unknown")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    proxies = settings.ACCORD_NUM_PROXIES
    if not proxies or not forwarded:
        return remote
    addresses = [part.strip() for part in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote


def attempt(username: str, address: str) -> int:
    """Count a login attempt before its password is checked; the seconds to wait when it is
    over a limit (refuse it), else 0. Counting first means a burst of parallel guesses is held
    to the limit too, not only guesses made one after another."""
    now = time.time()
    wait = 0.0
    for (count_key, until_key), limit in _counters(username, address):
        if _increment(count_key, until_key) > limit:
            wait = max(wait, float(cache.get(until_key) or now) - now, 1.0)
    return math.ceil(wait)


def _increment(count_key: str, until_key: str) -> int:
    window = settings.ACCORD_LOGIN_WINDOW_SECONDS
    # add() only starts a window; incr() is atomic on Redis, so concurrent attempts all count.
    if cache.add(count_key, 0, timeout=window):
        cache.set(until_key, time.time() + window, timeout=window)
    try:
        return int(cache.incr(count_key))
    except ValueError:  # expired between add() and incr(): start again
        cache.set(count_key, 1, timeout=window)
        cache.set(until_key, time.time() + window, timeout=window)
        return 1


def record_success(username: str, address: str) -> None:
    """A login succeeded: clear the username's count and take this attempt off the address's."""
    count_key, until_key = _keys("user", username.strip().casefold())
    cache.delete_many([count_key, until_key])
    if settings.ACCORD_LOGIN_MAX_FAILURES_PER_ADDRESS > 0:
        with contextlib.suppress(ValueError):  # the address window ended meanwhile
            cache.decr(_keys("addr", address)[0])


def reset(username: str, address: str) -> None:
    """Forget every failure of this username and address (tests and admins)."""
    for kind, value in (("user", username.strip().casefold()), ("addr", address)):
        cache.delete_many(list(_keys(kind, value)))


def blocked_message(seconds: int) -> str:
    """The message shown to a refused client, in whole minutes (at least 1)."""
    minutes = max(1, math.ceil(seconds / 60))
    return f"Too many attempts, try again in {minutes} minute{'s' if minutes != 1 else ''}."


def limit_login_attempts(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a login view that redirects on success (the admin's): count each POST, refuse it
    with 429 over a limit, and clear the username's count when the view redirects."""

    @wraps(view)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        username, address = request.POST.get("username", ""), client_address(request)
        wait = attempt(username, address)
        if wait:
            response = HttpResponse(blocked_message(wait), status=429, content_type="text/plain")
            response["Retry-After"] = str(wait)
            return response
        response = view(request, *args, **kwargs)
        if response.status_code in (301, 302, 303):
            record_success(username, address)
        return response

    return limited
