"""Pages of the agreement area (filled in by its feature)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
