"""Pages of the annotate area (filled in by its feature)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
