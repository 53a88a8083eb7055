"""Background jobs (imports, pre-labeling), trained model versions and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from labeling.choices import JobStatus
from labeling.models.project import Project


class ImportJob(models.Model):
    """An upload being imported in the background; the page polls its counts."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="imports/", max_length=500)
    original_name = models.CharField(max_length=255)
    # An import format name (labeling.importers.parse.stream.FORMATS); "auto" tells it from the file.
    format = models.CharField(max_length=32, default="auto")
    # Replace unlabeled items whose id is already in the project (labeling.services.import_replace).
    replace = models.BooleanField(default=False, db_default=False)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING)
    bytes_total = models.BigIntegerField(default=0)
    bytes_done = models.BigIntegerField(default=0)
    items_created = models.PositiveIntegerField(default=0)
    annotations_created = models.PositiveIntegerField(default=0)
    predictions_created = models.PositiveIntegerField(default=0)
    # [{"line": 12, "message": "..."}]; empty on success.
    errors = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    # Written when a worker claims the job and at each batch; labeling.sweep_stalled_jobs
    # fails a running import whose heartbeat stopped (its worker died).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"


class ModelVersion(models.Model):
    """A trained pre-labeling model: which backend, on how many labels, how accurate."""

    # Indexed through model_version_unique.
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="model_versions", db_index=False
    )
    version = models.CharField(max_length=200)
    backend = models.CharField(max_length=64)
    trained_on = models.PositiveIntegerField(default=0)
    cv_accuracy = models.FloatField(null=True, blank=True)
    details = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "version"], name="model_version_unique"),
        ]

    def __str__(self) -> str:
        return self.version


class PrelabelJob(models.Model):
    """A batch pre-labeling run; Celery tasks advance `done` and the page polls it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="prelabel_jobs")
    backend = models.CharField(max_length=64)
    model_version = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING)
    item_filter = models.JSONField(default=dict)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    # Written when the job starts running and at each batch; labeling.sweep_stalled_jobs
    # requeues a running job whose heartbeat stopped (a worker died mid-batch).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"prelabel job {self.pk} ({self.status})"


class AuditEntry(models.Model):
    """Who did what, when, with the state before and after. Written by every app's services.

    It lives in labeling (the bottom layer) so review decisions and guideline publications,
    which sit in sibling apps that may not import each other, share one log.
    """

    project = models.ForeignKey(  # indexed through audit_target_idx
        Project,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="audit_entries",
        db_index=False,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["project", "target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"
