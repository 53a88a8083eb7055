"""The fixed choices of labeling's models (roles, ordering policies, job, assignment and model
server event states).

Pages and forms import them from here, not from labeling.models, so they need no model class.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ANNOTATOR = "annotator", "Annotator"
    REVIEWER = "reviewer", "Reviewer"
    LEAD = "lead", "Lead"


class OrderingPolicy(models.TextChoices):
    IN_PROGRESS_FIRST = "in_progress_first", "Finish items in progress first"
    SEQUENTIAL = "sequential", "Sequential"
    RANDOM = "random", "Random (seeded per annotator)"
    UNCERTAINTY_FIRST = "uncertainty_first", "Model uncertainty first"
    RARE_FIRST = "rare_first", "Predicted rare labels first"


class JobStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUBMITTED = "submitted", "Submitted"
    SKIPPED = "skipped", "Skipped"
    RELEASED = "released", "Released"
    EXPIRED = "expired", "Expired"


class ModelServerEventStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
