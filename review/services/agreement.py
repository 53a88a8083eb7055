"""Agreement writes: per-item aggregate and agreement, project snapshots.

Per item (after each submit) we use majority vote; the debounced project run
recomputes every item with the project's method ("majority" or "dawid_skene",
which needs all items at once; "auto" picks one from the data, see
review.metrics.method_choice), writes each item's p_wrong (review.services.risk)
and stores an AgreementSnapshot with the method's reason and "estimated_accuracy".
"""

from __future__ import annotations

import json
import math
from contextlib import nullcontext
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction

from labeling.db.backend import lock_own_rows, short_write_transactions
from labeling.db.locks import LockKind, xact_lock
from labeling.models import Item, Project
from labeling.services.items import AGGREGATE_FIELDS, items_aggregates_set
from review.exceptions import ProjectNotFound
from review.loaders.annotations import ProjectData, project_data, schema_spec
from review.metrics.aggregation import majority_vote
from review.metrics.bootstrap import DEFAULT_REPLICATES, DEFAULT_SEED
from review.metrics.inputs import SchemaSpec
from review.metrics.method_choice import MethodChoice, default_method
from review.metrics.report import ItemResults, build
from review.metrics.report_stats import SAMPLE_SEED, SAMPLED_SECTIONS, exact_sections, overlay
from review.models import AgreementSnapshot
from review.selectors.agreement_counts import report_statistics, sampled_item_ids
from review.services import region_aggregates as regions
from review.services.aggregate_values import aggregate_value
from review.services.agreement_counts import item_counts_refresh
from review.services.item_votes import ItemVotes, item_vote_table, value_name
from review.services.region_agreement import REGION_KINDS, no_class_data, region_report
from review.services.risk import ProjectRisk, p_wrong_store, project_risk
from review.services.write_pace import write_pause

DIGITS = 6
# Rows per write transaction of a project run on SQLite (a few milliseconds each).
SQLITE_WRITE_PAGE = 500


def project_resolve(*, reference: str) -> Project:
    """The project whose id or (exact) name is ``reference``; ProjectNotFound otherwise."""
    project = None
    if reference.isdigit():
        project = Project.objects.filter(pk=int(reference)).first()
    project = project or Project.objects.filter(name=reference).first()
    if project is None:
        raise ProjectNotFound(f"No project with id or name {reference!r}")
    return project


def _method(project: Project, data: ProjectData) -> MethodChoice:
    """The project's aggregation: its setting, or for "auto" the one its data supports."""
    method = project.settings.get("aggregation", "auto")
    if method in ("majority", "dawid_skene"):
        return MethodChoice(method, f"Set in the project settings ({method}).")
    n_classes = max(len(data.schema.value_names), 2)
    return default_method(data.annotations.annotators, n_classes=n_classes)


def project_report(*, project: Project) -> tuple[dict[str, Any], ItemResults | None, ProjectData]:
    """The project's `agreement --json` object (no write).

    Up to ACCORD_AGREEMENT_REPORT_SAMPLE_ITEMS counted items, or while the report statistics are not
    built for the project's schema, the full recompute (``project_report_full``). Above it, the
    exact sections (headline, interval, pairs, per label, per annotator n / with others / mean
    kappa, counts; review.metrics.report_stats.EXACT_KEYS) come from the statistics each submit
    keeps, and the sections that need every item's aggregate (aggregation, agreement with it,
    competence, gold, groups, estimated accuracy) from the full build over a seeded sample of
    that many items; the report's "sample" says which and how many. Items and data returned are
    the sample's then.
    """
    stats = report_statistics(project)
    limit = settings.ACCORD_AGREEMENT_REPORT_SAMPLE_ITEMS
    if stats is None or stats.labeled_items <= limit:
        return project_report_full(project=project)
    report, items, data, _ = _report_and_risk(project, _sample(project, limit, stats.labeled_items))
    exact, annotators, undefined = exact_sections(
        stats, data.schema, replicates=DEFAULT_REPLICATES, seed=DEFAULT_SEED
    )
    report = overlay(report, exact, annotators, undefined)
    report["sample"] = {
        "items": int(data.annotations.n_items),
        "of": stats.labeled_items,
        "seed": SAMPLE_SEED,
        "sections": list(SAMPLED_SECTIONS),
    }
    return report, items, data


def _sample(project: Project, size: int, of: int) -> ProjectData:
    """The annotations of about ``size`` of the ``of`` labeled items; never none (an empty draw,
    possible when ``size`` is tiny, doubles the size until items come)."""
    while True:
        data = project_data(project, sampled_item_ids(project, size, of))
        if data.annotations.n_items or size >= of:
            return data
        size *= 2


def project_report_full(
    *, project: Project
) -> tuple[dict[str, Any], ItemResults | None, ProjectData]:
    """The `agreement --json` object from every annotation: the check of the at-scale report."""
    report, items, data, _ = _report_and_risk(project)
    if project.kind in regions.AGGREGATE_KINDS:  # the figure the project run stores beside it
        report["estimated_accuracy"] = regions.project_region_run(project).estimate
    return report, items, data


def _report_and_risk(
    project: Project, data: ProjectData | None = None
) -> tuple[dict[str, Any], ItemResults | None, ProjectData, ProjectRisk | None]:
    """The report (with the method's reason and "estimated_accuracy"), items, data, risk;
    ``data`` (e.g. a sample's) instead of every annotation when given."""
    spec = schema_spec(project.schema)
    if spec.kind in REGION_KINDS:  # spans, boxes: their own report, no class-label risk
        return region_report(project=project), None, no_class_data(spec), None
    data = data if data is not None else project_data(project)
    choice = _method(project, data)
    report, items = build(data.annotations, data.schema, aggregation=choice.method)  # type: ignore[arg-type]
    risk = project_risk(project, data, items) if items is not None else None
    if isinstance(report.get("aggregation"), dict):
        report["aggregation"]["reason"] = choice.reason
    report["estimated_accuracy"] = risk.estimate if risk is not None else None
    if risk is not None:
        report["estimated_accuracy"]["calibration"] = risk.calibration
    return report, items, data, risk


@transaction.atomic
def item_recompute(*, item_id: int) -> Item | None:
    """Refresh one item's aggregate (majority vote), confidence and agreement.

    Idempotent: the columns are a pure function of the item's annotations and its current
    aggregate. Tie rule, the same as the project run's: a tie goes to the Dawid-Skene
    posterior. Per submit the posterior is not at hand, so a tie keeps the item's current
    aggregate when it is among the tied labels (the project run chose it by posterior);
    otherwise the project's more frequent label (latest snapshot), then schema order,
    decide until the project run this submit schedules re-breaks it by posterior.
    Returns None when the item no longer exists.
    """
    item = lock_own_rows(Item.objects.select_related("project")).filter(pk=item_id).first()
    if item is None:
        return None
    spec = schema_spec(item.project.schema)
    if spec.kind in regions.AGGREGATE_KINDS:  # spans, boxes: a plain vote of the item's regions
        items_aggregates_set(rows=[(item.pk, regions.item_region_columns(item))])
        item.refresh_from_db()
        return item
    votes = item_vote_table(item=item, spec=spec, priority_from=_latest_report(item.project_id))
    fields: dict[str, Any] = {
        "aggregate_value": None,
        "aggregate_confidence": None,
        "agreement": None,
    }
    if votes is not None and votes.counts.sum() > 0:
        result = majority_vote(
            votes.counts[None, :], votes.priority, tie_break=_keep_current(item, spec, votes)
        )
        code, total = int(result.labels[0]), int(votes.counts.sum())
        fields["aggregate_value"] = aggregate_value(spec, votes.names[code])
        fields["aggregate_confidence"] = _rounded(result.confidence[0])
        fields["agreement"] = _rounded(votes.counts[code] / total) if total >= 2 else None
    fields["aggregate_method"] = "majority" if fields["aggregate_value"] is not None else ""
    items_aggregates_set(rows=[(item.pk, tuple(fields[name] for name in AGGREGATE_FIELDS))])
    item_counts_refresh(item_id=item.pk, project=item.project)  # the headline's sums
    item.refresh_from_db()
    return item


def _keep_current(item: Item, spec: SchemaSpec, votes: ItemVotes) -> np.ndarray | None:
    """Tie scores preferring the item's current aggregate (None when it has none)."""
    current = value_name(spec, item.aggregate_value)
    if current is None or current not in votes.names:
        return None
    scores = np.zeros((1, len(votes.names)))
    scores[0, votes.names.index(current)] = 1.0
    return scores


def _latest_report(project_id: int) -> dict[str, Any] | None:
    """The per-label part of the latest snapshot (only that key is read: reports can be large)."""
    snapshot = AgreementSnapshot.objects.filter(project_id=project_id).order_by(
        "-created_at", "-id"
    )
    per_label = snapshot.values_list("report__per_label", flat=True).first()
    return {"per_label": per_label} if isinstance(per_label, list) else None


def _rounded(value: float) -> float | None:
    """Stored figures: 6 decimals (so recomputation compares equal), None for NaN."""
    return None if math.isnan(value) else round(float(value), DIGITS)


def _item_columns(spec: SchemaSpec, items: ItemResults, index: int, method: str) -> tuple[Any, ...]:
    """The values of AGGREGATE_FIELDS for one item index."""
    code = int(items.labels[index])
    agreement = _rounded(items.agreement[index])
    if code < 0:
        return (None, None, "", agreement)
    value = aggregate_value(spec, items.value_names[code])
    return (value, _rounded(items.confidence[index]), method, agreement)


def _write_items(
    project: Project, data: ProjectData, items: ItemResults, method: str, page: int | None = None
) -> int:
    """Write aggregate, confidence and agreement where they changed; return how many items changed.

    Reading the current columns first keeps a steady-state run (nothing new)
    write-free, and a large project's run short. With `page`, each `page` rows commit on
    their own.
    """
    current = {
        row[0]: tuple(row[1:])
        for row in Item.objects.filter(project=project).values_list("id", *AGGREGATE_FIELDS)
    }
    changed = []
    for index, item_id in enumerate(data.item_ids.tolist()):
        columns = _item_columns(data.schema, items, index, method)
        if current.get(item_id) != columns:
            changed.append((item_id, columns))
    page = page or max(len(changed), 1)
    for start in range(0, len(changed), page):
        with transaction.atomic():
            items_aggregates_set(rows=changed[start : start + page])
        write_pause()
    return len(changed)


def _serialise_project_runs(project_id: int) -> None:
    """PostgreSQL: one project run writes at a time (transaction-scoped advisory lock)."""
    xact_lock(LockKind.AGREEMENT_RUN, project_id)


def project_snapshot_create(*, project_id: int) -> AgreementSnapshot | None:
    """Recompute the project's report, refresh every item's aggregate, store a snapshot.

    Idempotent: when the report equals the latest snapshot's, no new snapshot is
    written and the latest one is returned. Returns None if the project is gone.
    """
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return None
    report, items, data, risk = _report_and_risk(project)
    region_run = None
    if project.kind in regions.AGGREGATE_KINDS:
        region_run = regions.project_region_run(project)
        report["estimated_accuracy"] = region_run.estimate
    report = _json_round_trip(report)
    # PostgreSQL: one transaction under the project's lock; rows lock, readers never wait.
    # SQLite has one writer for the whole file: short transactions let submits in between.
    paged = short_write_transactions()
    with transaction.atomic() if not paged else nullcontext():
        _serialise_project_runs(project.pk)
        page = SQLITE_WRITE_PAGE if paged else None
        if items is not None and len(data.item_ids):
            _write_items(project, data, items, _method(project, data).method, page)
        if region_run is not None:
            regions.project_region_store(project, region_run)
        else:
            p_wrong_store(project, data, risk, page=page)
        return _snapshot_store(project, report)


def _snapshot_store(project: Project, report: dict[str, Any]) -> AgreementSnapshot:
    """The latest snapshot when its report is `report`, else a new one."""
    with transaction.atomic():
        latest = (
            AgreementSnapshot.objects.filter(project=project).order_by("-created_at", "-id").first()
        )
        if latest is not None and latest.report == report:
            return latest
        return AgreementSnapshot.objects.create(project=project, report=report)


def _json_round_trip(report: dict[str, Any]) -> Any:
    """The report as the JSON field stores it (tuples become lists, keys strings)."""
    return json.loads(json.dumps(report, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
