"""A project's model server: its encrypted secret and the training events sent to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from labeling.choices import ModelServerEventStatus
from labeling.models.project import Project


class ModelServerSecret(models.Model):
    """The basic-auth password or bearer token of a project's model server, encrypted
    (labeling.prelabel.secret_box). It is never shown back, on a page or in the API."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="model_server_secret"
    )
    sealed = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project_id"]

    def __str__(self) -> str:
        return f"model server secret of {self.project_id}"


class ModelServerEvent(models.Model):
    """One Label Studio-style webhook event for a project's model server (POST /webhook).

    `key` makes an event once-only: an annotation's event is keyed by its id and updated_at,
    a training request by its own id, so a redelivered task sends nothing twice.
    """

    # db_index off: model_server_event_idx (project, -id) leads with the project already.
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="model_server_events", db_index=False
    )
    action = models.CharField(max_length=32)  # ANNOTATION_CREATED, ANNOTATION_UPDATED, START_TRAINING
    key = models.CharField(max_length=200, unique=True)
    annotation_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=ModelServerEventStatus.choices, default=ModelServerEventStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    response = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["project", "-id"], name="model_server_event_idx")]

    def __str__(self) -> str:
        return f"{self.action} for {self.project_id} ({self.status})"
