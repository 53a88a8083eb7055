"""Reads of the per-item agreement counts' project sums (written by
review.services.agreement_counts): the headline figures and the labels given, each one row;
the report statistics behind the exact sections of an at-scale report, and the item sample
behind the rest of it."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet

from labeling.models import Project
from review.loaders.annotations import schema_spec
from review.metrics.counts import figures, observed_keys
from review.metrics.inputs import SchemaSpec
from review.metrics.report import headline_level
from review.metrics.report_stats import Statistics, sample_threshold
from review.models import ItemAgreementCounts, ProjectAgreementCounts, ProjectAgreementStat

KINDS = ("single", "multi", "rating")
# What the stored rows hold: bumped when a build adds to them (2: labels and report statistics),
# so rows built before are rebuilt once instead of read as complete.
STATS_VERSION = 2


def fingerprint(spec: SchemaSpec) -> str:
    """What the stored keys depend on: kind, labels and scale (and what the rows hold)."""
    text = json.dumps([spec.kind, list(spec.labels), spec.scale, STATS_VERSION])
    return hashlib.sha256(text.encode()).hexdigest()[:64]


def report_statistics(project: Project) -> Statistics | None:
    """The project's report statistics (review.metrics.report_stats); None when not built for
    its schema (the report then reads every annotation)."""
    spec = schema_spec(project.schema)
    if spec.kind not in KINDS:
        return None
    with transaction.atomic():  # the row's state and the statistics read together
        row = ProjectAgreementCounts.objects.filter(project=project).first()
        if row is None or not row.complete or row.fingerprint != fingerprint(spec):
            return None
        rows = list(
            ProjectAgreementStat.objects.filter(project=project)
            .exclude(n=0)
            .values_list("kind", "key", "n")
        )
    stats = Statistics.of_rows(rows, {})
    users = get_user_model().objects.filter(pk__in=stats.annotator_ids())
    return Statistics.of_rows(rows, dict(users.values_list("pk", "username")))


def sampled_item_ids(project: Project, size: int, of: int) -> QuerySet[Any]:
    """Ids of about ``size`` of the project's ``of`` counted items, always the same ones for the
    same items: those whose stored sample_hash is under size / of of the hash range (an index
    range, a query the annotation load takes as a subquery: no id list travels)."""
    return ItemAgreementCounts.objects.filter(
        project=project, sample_hash__lt=sample_threshold(size, of)
    ).values("item_id")


def project_counts_figures(project: Project) -> dict[str, Any] | None:
    """Headline figures (review.metrics.counts.figures) from the sums; None when not built."""
    spec = schema_spec(project.schema)
    row = ProjectAgreementCounts.objects.filter(project=project).first()
    if spec.kind not in KINDS or row is None or not row.complete:
        return None
    if row.fingerprint != fingerprint(spec):
        return None
    if spec.kind == "multi":
        domain, levels, scale = observed_keys(row.totals), ("nominal",), None
    else:
        domain, scale = spec.value_names, spec.scale_values if spec.kind == "rating" else None
        levels = (
            ("nominal", "ordinal", "interval", "ratio") if spec.kind == "rating" else ("nominal",)
        )
    found = figures(row.totals, domain, levels, scale)  # type: ignore[arg-type]
    return {**found, "level": headline_level(spec), "at": row.updated_at}


def label_counts(project: Project) -> dict[str, int] | None:
    """In how many annotations each schema label (rating point) was given, from the sums;
    None when they are not built for the project's schema (the caller counts the slow way)."""
    spec = schema_spec(project.schema)
    row = ProjectAgreementCounts.objects.filter(project=project).first()
    if spec.kind not in KINDS or row is None or not row.complete:
        return None
    if row.fingerprint != fingerprint(spec):
        return None
    counts: dict[str, int] = defaultdict(int)
    for bucket in row.totals.values():
        for key, given in bucket["d"].items():
            for label in json.loads(key) if spec.kind == "multi" else [key]:
                counts[label] += given
    return dict(counts)
