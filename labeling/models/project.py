"""Projects and their members (with roles)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from labeling.choices import OrderingPolicy, Role


class Project(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    # The label schema exactly as DESIGN.md defines it; validated by labeling.schema.
    schema = models.JSONField()
    overlap = models.PositiveSmallIntegerField(default=3)
    # Escalation ceiling: contested items may get more annotators up to this (0 = off).
    max_overlap = models.PositiveSmallIntegerField(default=0)
    ordering = models.CharField(
        max_length=32, choices=OrderingPolicy.choices, default=OrderingPolicy.IN_PROGRESS_FIRST
    )
    lease_minutes = models.PositiveIntegerField(default=30)
    gold_rate = models.FloatField(default=0.0)  # share of next-item calls that serve a gold item
    show_prelabels = models.BooleanField(default=False)
    prelabel_share = models.FloatField(default=1.0)  # share of assignments shown a pre-label
    # Published guideline version in force (0 = none yet); written by the guidelines app.
    guideline_version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Archived projects are read-only and hidden from the home page unless asked for.
    archived_at = models.DateTimeField(null=True, blank=True)
    # Set when a lead confirmed deletion: the project is gone for everyone at once while a
    # task deletes its rows in batches (labeling.tasks.delete_project).
    deleting = models.BooleanField(default=False, db_default=False)
    # Events some active webhook of the project subscribes to, kept by labeling.services.webhooks
    # in the hook's transaction: writers that hold the project row know without a query that
    # nobody listens (labeling.announce).
    webhook_events = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(overlap__gte=1), name="project_overlap_positive"),
            models.CheckConstraint(
                condition=Q(gold_rate__gte=0) & Q(gold_rate__lte=1), name="project_gold_rate_share"
            ),
            models.CheckConstraint(
                condition=Q(prelabel_share__gte=0) & Q(prelabel_share__lte=1),
                name="project_prelabel_share_share",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def kind(self) -> str:
        return str(self.schema.get("kind", ""))

    @property
    def data_type(self) -> str:
        return str(self.schema.get("data", "text"))

    @property
    def settings(self) -> dict[str, object]:
        value = self.schema.get("settings") or {}
        return dict(value) if isinstance(value, dict) else {}


class Membership(models.Model):
    # Single-column FK indexes are left out where a composite index or unique constraint
    # starts with the column (it serves the lookups and the cascade on delete); every index
    # is kept up on each COPY of a bulk import. Mostly-NULL FKs get a partial index instead.
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ANNOTATOR)
    # Latest guideline version this member acknowledged; written by the guidelines app.
    acknowledged_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.project}"
