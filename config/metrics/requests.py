"""Request latency by view, as a Prometheus histogram."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Histogram

# This process's own metrics. With PROMETHEUS_MULTIPROC_DIR set (gunicorn), prometheus_client
# keeps values in files there instead, and the view sums every worker's files.
PROCESS_REGISTRY = CollectorRegistry(auto_describe=True)
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUEST_SECONDS = Histogram(
    "accord_request_duration_seconds",
    "Time to answer a request, by view name, method and status class (2xx, 4xx, ...).",
    ["view", "method", "status"],
    buckets=BUCKETS,
    registry=None if MULTIPROCESS else PROCESS_REGISTRY,
)


def view_name(request: HttpRequest) -> str:
    """The resolved view's name (bounded label values), never the raw path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unresolved>"
    return match.view_name or match._func_path


class RequestMetricsMiddleware:
    """Time every request that reaches the URL resolver; label it by view, not by path."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        REQUEST_SECONDS.labels(
            view=view_name(request), method=request.method or "", status=f"{response.status_code // 100}xx"
        ).observe(time.perf_counter() - started)
        return response
