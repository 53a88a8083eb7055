"""The events a project's webhooks can subscribe to, and the states of a delivery."""

from __future__ import annotations

from django.db import models


class WebhookEvent(models.TextChoices):
    ANNOTATION_CREATED = "annotation.created", "Annotation created"
    ANNOTATION_UPDATED = "annotation.updated", "Annotation updated"
    ITEM_SETTLED = "item.settled", "Item settled by a reviewer"
    GUIDELINE_PUBLISHED = "guideline.published", "Guideline version published"
    JOB_FINISHED = "job.finished", "Import or pre-label job finished"


# Sent by the "Send test ping" button only; no hook subscribes to it.
PING = "ping"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # waiting for its first attempt or a retry
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"  # gave up: a non-retryable answer or the last attempt failed
