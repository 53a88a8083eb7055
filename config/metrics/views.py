"""GET /metrics: Prometheus text format, for a bearer of ACCORD_METRICS_TOKEN only."""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import Metric
from prometheus_client.registry import Collector

from config.metrics.collectors import AccordCollector
from config.metrics.requests import MULTIPROCESS, PROCESS_REGISTRY


def _authorised(request: HttpRequest, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


class _ProcessMetrics(Collector):
    """This process's own metrics (the request histogram), when not in multiprocess mode."""

    def collect(self) -> Iterator[Metric]:
        return PROCESS_REGISTRY.collect()


def _registry() -> CollectorRegistry:
    """A registry for one scrape: request figures plus what AccordCollector reads."""
    registry = CollectorRegistry(auto_describe=False)
    if MULTIPROCESS:
        multiprocess.MultiProcessCollector(registry)  # every gunicorn worker's request figures
    else:
        registry.register(_ProcessMetrics())
    registry.register(AccordCollector())
    return registry


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """404 when metrics are off (no token set), 401 without the right bearer token."""
    token = settings.ACCORD_METRICS_TOKEN
    if not token:
        raise Http404("metrics are off")
    if not _authorised(request, token):
        response = HttpResponse("a bearer token is required\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
