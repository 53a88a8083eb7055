"""Guidelines: one editable draft per project and its published, immutable versions.

A published GuidelineVersion never changes: `save()` refuses existing rows, the queryset
refuses `update()`, and a database trigger (migration 0002) refuses UPDATEs of its content
columns, so even raw SQL cannot rewrite what annotators labeled under.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from guidelines.exceptions import VersionImmutable
from labeling.models import Project


class Guideline(models.Model):
    """The lead's working copy: Markdown and the changelog line of the next version."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="guideline")
    draft_markdown = models.TextField(blank=True)
    draft_changelog = models.CharField(max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project_id"]

    def __str__(self) -> str:
        return f"guideline of project {self.project_id}"


class GuidelineVersionQuerySet(models.QuerySet["GuidelineVersion"]):
    def update(self, **kwargs: Any) -> int:
        """Refused: published versions are immutable (only the author link may be cleared)."""
        if set(kwargs) <= {"author"} and all(value is None for value in kwargs.values()):
            return super().update(**kwargs)
        raise VersionImmutable("Published guideline versions cannot be changed")


class GuidelineVersion(models.Model):
    """A published guideline: number 1, 2, ... per project, with the examples chosen at publish."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="guideline_versions"
    )
    number = models.PositiveIntegerField()
    markdown = models.TextField(blank=True)
    changelog = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    example_item_ids = models.JSONField(default=list, blank=True)
    # Snapshot of the examples at publish ({item_id, external_id, text, labels, value, note}),
    # so a later change to an item's final label does not rewrite a published version.
    examples = models.JSONField(default=list, blank=True)

    objects = GuidelineVersionQuerySet.as_manager()

    class Meta:
        ordering = ["project_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="guideline_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="guideline_version_positive"),
        ]

    def __str__(self) -> str:
        return f"guideline v{self.number} of project {self.project_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise VersionImmutable("Published guideline versions cannot be changed")
        super().save(*args, **kwargs)


class Acknowledgement(models.Model):
    """A member confirmed reading a published version (shown its diff) before labeling on."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="guideline_acknowledgements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="guideline_acknowledgements",
    )
    version = models.ForeignKey(
        GuidelineVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="acknowledgement_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} acknowledged {self.version_id}"
