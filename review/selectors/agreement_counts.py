"""Reads of the per-item agreement counts' project sums (written by
review.services.agreement_counts): the headline figures and the labels given, each one row."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

from labeling.models import Project
from review.loaders.annotations import schema_spec
from review.metrics.counts import figures, observed_keys
from review.metrics.inputs import SchemaSpec
from review.metrics.report import headline_level
from review.models import ProjectAgreementCounts

KINDS = ("single", "multi", "rating")


def fingerprint(spec: SchemaSpec) -> str:
    """What the stored keys depend on: kind, labels and scale."""
    text = json.dumps([spec.kind, list(spec.labels), spec.scale])
    return hashlib.sha256(text.encode()).hexdigest()[:64]


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
