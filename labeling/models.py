"""Projects, members, items and the labels people and models give them.

Invariants live in the database: one annotation per (item, annotator), one prediction per
(item, model version), one live assignment per (item, annotator), unique external ids.
The overlap cap on live assignments is kept by row locks in labeling.assignment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


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


def item_image_path(instance: Item, filename: str) -> str:
    return f"projects/{instance.project_id}/images/{filename}"


class Item(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    external_id = models.CharField(max_length=255)
    data = models.JSONField(default=dict)
    image = models.ImageField(upload_to=item_image_path, null=True, blank=True, max_length=500)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    # Gold items carry a known answer and are interleaved at the project's gold rate.
    is_gold = models.BooleanField(default=False)
    gold_value = models.JSONField(null=True, blank=True)
    # Denormalised by the review app after each submit, so lists and exports read one table.
    annotation_count = models.PositiveIntegerField(default=0)
    # Set by each submit or edit in its own write; the review app recomputes flagged items in
    # batches (review.process_pending_items) and clears the flag with that recompute.
    recompute_pending = models.BooleanField(default=False, db_default=False)
    agreement = models.FloatField(null=True, blank=True)
    aggregate_value = models.JSONField(null=True, blank=True)
    aggregate_confidence = models.FloatField(null=True, blank=True)
    aggregate_method = models.CharField(max_length=32, blank=True)
    final_value = models.JSONField(null=True, blank=True)
    final_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # item_final_reviewer_idx: partial, only settled items
    )
    final_decided_at = models.DateTimeField(null=True, blank=True)
    # Bumped when a reviewer sends an item back; assignments and annotations carry the round.
    round = models.PositiveIntegerField(default=1)
    # Who is asked to re-annotate in the current round (user ids; empty = its earlier annotators).
    reopened_for = models.JSONField(default=list, blank=True)
    # Escalation: more annotators than the project's overlap for a contested item (null = overlap).
    target_overlap = models.PositiveSmallIntegerField(null=True, blank=True)
    # Marked in review as an example for the guideline (shown by the guidelines app).
    is_example = models.BooleanField(default=False)
    example_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "external_id"], name="item_unique_external_id"),
        ]
        indexes = [
            models.Index(fields=["project", "annotation_count", "id"], name="item_progress_idx"),
            # Reopened and escalated items: few, and the claim looks for them first.
            models.Index(
                fields=["project", "id"],
                condition=Q(round__gt=1) | Q(target_overlap__isnull=False),
                name="item_reopened_idx",
            ),
            models.Index(
                fields=["project", "id"], condition=Q(recompute_pending=True), name="item_pending_idx"
            ),
            # Deleting a user nulls their final decisions; few items are settled.
            models.Index(
                fields=["final_reviewer"],
                condition=Q(final_reviewer__isnull=False),
                name="item_final_reviewer_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.external_id}"

    @property
    def is_settled(self) -> bool:
        return self.final_value is not None


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUBMITTED = "submitted", "Submitted"
    SKIPPED = "skipped", "Skipped"
    RELEASED = "released", "Released"
    EXPIRED = "expired", "Expired"


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
    round = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

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


class Prediction(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="predictions")
    # Indexed through prediction_unique_model.
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="predictions", db_index=False
    )
    model_version = models.CharField(max_length=200)
    value = models.JSONField()
    score = models.FloatField(null=True, blank=True)
    # Margin between the top two class probabilities; low margin = uncertain (active learning).
    margin = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "model_version"], name="prediction_unique_model"),
        ]

    def __str__(self) -> str:
        return f"prediction {self.model_version} on {self.item_id}"


class JobStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class ImportJob(models.Model):
    """An upload being imported in the background; the page polls its counts."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="imports/", max_length=500)
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING)
    bytes_total = models.BigIntegerField(default=0)
    bytes_done = models.BigIntegerField(default=0)
    items_created = models.PositiveIntegerField(default=0)
    annotations_created = models.PositiveIntegerField(default=0)
    predictions_created = models.PositiveIntegerField(default=0)
    # [{"line": 12, "message": "..."}]; empty on success.
    errors = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
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
