"""REST routes for imports (filled in by its feature). Exposes `urlpatterns`."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
