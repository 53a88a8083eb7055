"""Items and the predictions models make for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from labeling.models.project import Project


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
    is_gold = models.BooleanField(default=False, db_default=False)
    gold_value = models.JSONField(null=True, blank=True)
    # Denormalised by the review app after each submit, so lists and exports read one table.
    annotation_count = models.PositiveIntegerField(default=0)
    # Set by each submit or edit in its own write; the review app recomputes flagged items in
    # batches (review.process_pending_items) and clears the flag with that recompute.
    recompute_pending = models.BooleanField(default=False, db_default=False)
    # When the flag was first set (cleared with it): a periodic sweep sends a drain for items
    # flagged over a minute ago, whose drain message was lost (broker down at commit).
    recompute_pending_since = models.DateTimeField(null=True, blank=True)
    agreement = models.FloatField(null=True, blank=True)
    aggregate_value = models.JSONField(null=True, blank=True)
    aggregate_confidence = models.FloatField(null=True, blank=True)
    aggregate_method = models.CharField(max_length=32, blank=True, db_default="")
    # Probability that the item's current label (final if settled, else the aggregate) is
    # wrong; written by the review app's project run (null before one, or for kinds without it).
    p_wrong = models.FloatField(null=True, blank=True)
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
    round = models.PositiveIntegerField(default=1, db_default=1)
    # Who is asked to re-annotate in the current round (user ids; empty = its earlier annotators).
    reopened_for = models.JSONField(default=list, blank=True)
    # Escalation: more annotators than the project's overlap for a contested item (null = overlap).
    target_overlap = models.PositiveSmallIntegerField(null=True, blank=True)
    # Marked in review as an example for the guideline (shown by the guidelines app).
    is_example = models.BooleanField(default=False, db_default=False)
    example_note = models.TextField(blank=True, db_default="")
    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())

    class Meta:
        ordering = ["project_id", "id"]
        constraints = [
            # The pattern operator class lets this index answer prefix searches (LIKE 'x%') under
            # any collation, as well as the exact lookups imports and the items API make.
            models.UniqueConstraint(
                fields=["project", "external_id"],
                name="item_unique_external_id",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
        ]
        indexes = [
            models.Index(fields=["project", "annotation_count", "id"], name="item_progress_idx"),
            # The items browser's agreement sort: keyset pages on (agreement, id), NULLs apart.
            models.Index(fields=["project", "agreement", "id"], name="item_agreement_idx"),
            # The external_id sort: the unique index above uses the pattern operator class, which
            # cannot order rows, so keyset pages on (external_id, id) need a plain btree.
            models.Index(fields=["project", "external_id", "id"], name="item_external_id_sort_idx"),
            # Reopened and escalated items: few, and the claim looks for them first.
            models.Index(
                fields=["project", "id"],
                condition=Q(round__gt=1) | Q(target_overlap__isnull=False),
                name="item_reopened_idx",
            ),
            models.Index(
                fields=["project", "id"], condition=Q(recompute_pending=True), name="item_pending_idx"
            ),
            # Gold items: few, and every annotator's claim looks for them (labeling.assignment).
            models.Index(fields=["project", "id"], condition=Q(is_gold=True), name="item_gold_idx"),
            # The risk run reads the settled items' final labels; few items are settled, so
            # this stays small where a filter on final_value would scan the project.
            models.Index(
                fields=["project", "id"],
                condition=Q(final_value__isnull=False),
                name="item_settled_idx",
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


class ItemReviewer(models.Model):
    """A user who made a review decision on the item (final label, send-back, verdict, dismissal,
    example mark). Kept when a send-back clears the final label: the claim keeps these users out
    of the item's annotation pool, since a reviewer never labels what they reviewed."""

    # Indexed through item_reviewer_unique (item first: the claim probes (item, user)).
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="reviewers", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())

    class Meta:
        ordering = ["item_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="item_reviewer_unique"),
        ]

    def __str__(self) -> str:
        return f"reviewer {self.user_id} of {self.item_id}"


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
    # Class probabilities {label: p} of this prediction, when the backend or the import gave them.
    probabilities = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "model_version"], name="prediction_unique_model"),
        ]

    def __str__(self) -> str:
        return f"prediction {self.model_version} on {self.item_id}"


class HeldOutPrediction(models.Model):
    """Out-of-fold class probabilities of a trained item: the model version's k-fold run
    predicted it with a model that never saw its label (what the model detectors read)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="held_out")
    # Indexed through held_out_unique_model.
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="held_out", db_index=False
    )
    model_version = models.CharField(max_length=200)
    probabilities = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "model_version"], name="held_out_unique_model"),
        ]

    def __str__(self) -> str:
        return f"held-out {self.model_version} on {self.item_id}"
