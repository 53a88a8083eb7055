"""Admin: drafts are editable; published versions and acknowledgements are read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from guidelines.models import Acknowledgement, Guideline, GuidelineVersion


@admin.register(Guideline)
class GuidelineAdmin(admin.ModelAdmin):
    list_display = ["project", "updated_by", "updated_at"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Published history never changes, so the admin can only look (publish through the app)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(GuidelineVersion)
class GuidelineVersionAdmin(ReadOnlyAdmin):
    list_display = ["project", "number", "changelog", "author", "published_at"]
    list_filter = ["project"]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["project", "user", "version", "at"]
