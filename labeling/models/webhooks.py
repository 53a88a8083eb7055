"""Outgoing webhooks of a project and the log of their deliveries (one row per event x hook)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from labeling.models.project import Project
from labeling.webhooks.catalogue import DeliveryStatus


class Webhook(models.Model):
    """A URL that receives the project's events, signed with `secret` (HMAC-SHA256).

    The secret is kept as given because signing needs it; no page or API shows it back after
    it was created. `events` is a list of labeling.webhooks.catalogue.WebhookEvent values.
    """

    # Indexed through webhook_project_active_idx: the one lookup every write makes.
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="webhooks", db_index=False
    )
    url = models.URLField(max_length=2000)
    secret = models.CharField(max_length=200)
    events = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project_id", "id"]
        indexes = [
            models.Index(fields=["project", "is_active"], name="webhook_project_active_idx")
        ]

    def __str__(self) -> str:
        return f"webhook {self.pk} -> {self.url}"


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one hook: its frozen payload and what happened.

    An event reaches each hook once (webhook_delivery_once); a redelivery is a new row with
    the same event id that points at the row it repeats.
    """

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=32)
    event_id = models.UUIDField(default=uuid.uuid4)
    payload = models.JSONField()
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    # CASCADE, not SET_NULL: a nulled link would make a redelivery look like a second original
    # of its event (webhook_delivery_once). Rows only go with their hook anyway.
    redelivery_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # While pending: not before this time (the backoff, or the lease of an attempt under way).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "event_id"],
                condition=Q(redelivery_of__isnull=True),
                name="webhook_delivery_once",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx")
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} of {self.event} ({self.status})"
