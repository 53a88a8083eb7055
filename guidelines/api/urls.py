"""REST routes of the guidelines app (mounted under /api/)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
