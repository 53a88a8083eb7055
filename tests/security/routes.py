"""Discover what the security checks must cover: pages from the URL conf, API operations from
the OpenAPI document, and fill their path parameters from a seeded World."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from tests.security.world import World

# The Django admin has its own staff-only login; it is not Accord's role model.
EXCLUDED_PREFIXES = ("admin/",)
# Operations endpoints outside the role model: the health probes answer anyone by design
# (tests/test_health.py), /metrics only a bearer of ACCORD_METRICS_TOKEN
# (tests/operations/test_metrics.py).
EXCLUDED_ROUTES = ("healthz", "readyz", "metrics")
# Not operations of the API: the schema document and its viewer are pages.
API_PAGES = {"api-schema", "api-docs", "api-redoc"}
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Route:
    """A named route: its URL name and its pattern ('projects/<int:project_id>/review/')."""

    name: str
    pattern: str

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/") and self.name not in API_PAGES

    @property
    def template(self) -> str:
        """The pattern as an OpenAPI path template: '/api/projects/{project_id}'."""
        return "/" + _CONVERTER.sub(r"{\1}", self.pattern)

    def url(self, world: World, persona: str) -> str:
        """The pattern with every parameter filled for the persona."""
        return "/" + _CONVERTER.sub(
            lambda m: str(world.param(m.group(1), persona, self.pattern)), self.pattern
        )


@dataclass(frozen=True)
class Operation:
    """One OpenAPI operation."""

    operation_id: str
    method: str
    path: str

    def url(self, world: World, persona: str) -> str:
        return re.sub(r"{(\w+)}", lambda m: str(world.param(m.group(1), persona, self.path)), self.path)


def _walk(patterns: list[Any], prefix: str) -> list[Route]:
    routes = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(EXCLUDED_PREFIXES) or route in EXCLUDED_ROUTES:
            continue
        if isinstance(entry, URLResolver):
            routes += _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            routes.append(Route(name=entry.name or f"<unnamed {route}>", pattern=route))
    return routes


def url_routes() -> list[Route]:
    """Every route of the URL conf outside the excluded prefixes."""
    return _walk(get_resolver().url_patterns, "")


@cache
def openapi_schema() -> dict[str, Any]:
    """The OpenAPI document drf-spectacular generates (what /api/schema/ serves)."""
    return SchemaGenerator().get_schema(request=None, public=True)


def api_operations() -> list[Operation]:
    """Every operation in the OpenAPI document."""
    return [
        Operation(operation_id=op["operationId"], method=method.upper(), path=path)
        for path, item in openapi_schema()["paths"].items()
        for method, op in item.items()
    ]
