"""Agreement snapshots, flags, review decisions, per-annotation verdicts and comment threads.

Final labels, aggregates and item agreement are denormalised onto labeling.Item by the
review services; these models keep the history and the reviewer's workflow.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from labeling.models import Annotation, Item, Project
from review.choices import Cause, DecisionAction, FlagReason, FlagStatus, Verdict


class AgreementSnapshot(models.Model):
    """The project's full agreement report at one moment (pages read this, not live math)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="agreement_snapshots")
    report = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "-created_at", "-id"]
        indexes = [models.Index(fields=["project", "-created_at"], name="snapshot_recent_idx")]

    def __str__(self) -> str:
        return f"snapshot {self.pk} of project {self.project_id}"


class Flag(models.Model):
    """Why an item needs a human look; at most one per (item, reason)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="flags")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(max_length=32, choices=FlagReason.choices)
    severity = models.FloatField(default=0.0)
    status = models.CharField(max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    details = models.JSONField(default=dict)
    dismiss_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-severity", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "reason"], name="flag_once_per_reason"),
        ]
        indexes = [
            models.Index(fields=["project", "status", "-severity", "id"], name="flag_queue_idx"),
            models.Index(fields=["project", "reason", "status"], name="flag_reason_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} on {self.item_id} ({self.status})"


class ReviewDecision(models.Model):
    """One reviewer action on an item; every one is also written to labeling.AuditEntry."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="review_decisions")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="review_decisions")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=DecisionAction.choices)
    cause = models.CharField(max_length=16, choices=Cause.choices, blank=True)
    value = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item_id", "id"]
        indexes = [models.Index(fields=["project", "cause"], name="decision_cause_idx")]

    def __str__(self) -> str:
        return f"{self.action} on {self.item_id}"


class AnnotationReview(models.Model):
    """A reviewer's verdict on one annotation; annotators see it in their history."""

    annotation = models.OneToOneField(Annotation, on_delete=models.CASCADE, related_name="review")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.verdict} annotation {self.annotation_id}"


class ItemComment(models.Model):
    """A comment in an item's review thread (staff only)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="review_comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item_id", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.item_id}"


class ItemAgreementCounts(models.Model):
    """One item's value counts ({value key: how many annotations gave it}), the sufficient
    statistic of every pairable agreement figure (review.services.agreement_counts)."""

    # No database constraint: a foreign-key check takes FOR KEY SHARE on the item, which waits
    # for any drain holding that item FOR UPDATE; an inline rebuild writing every item's row
    # while holding the project's sums row then deadlocked with those drains. Deleting an item
    # through the ORM still deletes its row (Django's cascade).
    item = models.OneToOneField(
        Item, on_delete=models.CASCADE, primary_key=True, related_name="+", db_constraint=False
    )
    # Indexed through item_counts_sample_idx (project first): one index less for each rebuild.
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+", db_index=False)
    counts = models.JSONField(default=dict)
    # {value key: annotator ids, ascending} of the item's counted annotations: the item's last
    # contribution to the project's statistics (ProjectAgreementStat), diffed on the next submit.
    labels = models.JSONField(default=dict)
    # A fixed hash of the item id (review.metrics.report_stats.sample_hash): an at-scale report
    # samples the items under a threshold through the index, without scanning every row.
    sample_hash = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["project", "sample_hash", "item"], name="item_counts_sample_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"counts of item {self.item_id}"


class ProjectAgreementCounts(models.Model):
    """The sum of a project's item counts grouped by labels per item (see
    review.metrics.counts), kept current by each submit; `complete` once built from every item."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, primary_key=True, related_name="+")
    fingerprint = models.CharField(max_length=64, blank=True)
    complete = models.BooleanField(default=False)
    totals = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"agreement counts of project {self.project_id}"


class ProjectAgreementStat(models.Model):
    """One integer of a project's report statistics (review.metrics.report_stats): how many items
    have a count pattern ("pattern"), how many items an annotator pair labelled with two values
    ("pair"), or how many labels of an annotator had a value on items of m labels with `same` of
    them equal ("annotator"). Moved by each submit beside ProjectAgreementCounts (same lock);
    rows at 0 may stay (readers skip them)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=16)
    key = models.TextField()
    # MD5 of the key, the unique column: keys of label sets can outgrow a btree entry (2.7 kB).
    digest = models.CharField(max_length=32)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "digest"], name="project_agreement_stat_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key!r} of project {self.project_id}: {self.n}"


class ProjectFlagCount(models.Model):
    """Live (open or in review) flags of a project per reason and status, in shards summed on
    read; kept by every flag write in its transaction (review.services.flag_counts)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+", db_index=False)
    shard = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=32)
    status = models.CharField(max_length=16)
    n = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["project_id", "reason", "status", "shard"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "reason", "status", "shard"], name="project_flag_count_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.reason}/{self.status}[{self.shard}]={self.n}"
