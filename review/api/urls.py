"""REST routes of the review app (mounted under /api/)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
