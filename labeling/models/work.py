"""Assignments (leases) and the annotations people submit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from labeling.choices import AssignmentStatus
from labeling.models.items import Item
from labeling.models.project import Project


class Assignment(models.Model):
    """A lease of one item to one annotator; it expires at `expires_at` unless submitted."""

    # Indexed through assignment_user_idx and assignment_item_idx.
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="assignments", db_index=False
    )
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="assignments", db_index=False
    )
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    status = models.CharField(
        max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.ACTIVE
    )
    round = models.PositiveIntegerField(default=1)
    prelabel_shown = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "annotator"],
                condition=Q(status="active"),
                name="assignment_one_live_per_annotator",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "annotator", "status"], name="assignment_user_idx"),
            models.Index(fields=["item", "status"], name="assignment_item_idx"),
        ]

    def __str__(self) -> str:
        return f"assignment {self.pk} ({self.status})"


class Annotation(models.Model):
    # Indexed through annotation_user_idx and annotation_unique_annotator.
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="annotations", db_index=False
    )
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="annotations", db_index=False
    )
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations"
    )
    assignment = models.ForeignKey(
        Assignment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="annotations",
        db_index=False,  # annotation_assignment_idx: partial, imported annotations have none
    )
    value = models.JSONField()
    guideline_version = models.PositiveIntegerField(null=True, blank=True)
    lead_time_ms = models.PositiveIntegerField(null=True, blank=True)
    prelabel_shown = models.BooleanField(default=False)
    unsure = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    round = models.PositiveIntegerField(default=1, db_default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        ordering = ["item_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "annotator"], name="annotation_unique_annotator"),
        ]
        indexes = [
            models.Index(fields=["project", "annotator"], name="annotation_user_idx"),
            models.Index(
                fields=["assignment"],
                condition=Q(assignment__isnull=False),
                name="annotation_assignment_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"annotation {self.pk} by {self.annotator_id} on {self.item_id}"
