"""Pages of the guidelines area (filled in by its feature)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
