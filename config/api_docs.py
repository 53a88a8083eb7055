"""The ReDoc page: drf-spectacular's view, allowed the blob: worker its search box runs in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from drf_spectacular.views import SpectacularRedocView

from config.csp import allow_blob_workers


class RedocView(SpectacularRedocView):
    template_name = "api_docs/redoc.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        allow_blob_workers(request)  # on Django's request: the middleware reads it there
        return super().dispatch(request, *args, **kwargs)
