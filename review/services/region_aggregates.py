"""Aggregates, agreement and p_wrong of spans and boxes projects (the pure work is in metrics).

Per submit (review.services.agreement.item_recompute) an item gets a plain vote of its own
annotations (aggregate_method "majority"). The project run weighs annotators by competence,
or runs Dawid-Skene, as the project's aggregation setting says ("auto": what the data
supports), and writes every item's aggregate, confidence, agreement and p_wrong; its
"estimated_accuracy" goes into the snapshot like the single-label one. The stored aggregate
has the annotation shape of the kind ({"spans": [...]} / {"boxes": [...]}) with a
"confidence" on each span or box; agreement is the item's pairwise F1 (overlap span F1,
or labelled box F1 at IoU 0.5). p_wrong is the current label's (the final one when settled:
p_wrong 0); a gold item's is 1 when its current value misses the gold (review.flags.regions
F1 below 1), else 0, as for single-label gold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Q

from labeling.models import Annotation, Item, Project
from labeling.services.items import AGGREGATE_FIELDS, items_aggregates_set, items_p_wrong_set
from labeling.values import declared_labels
from review.flags.regions import region_f1, value_parts
from review.loaders.regions import box_rows_load, span_rows_load
from review.metrics.boxes.aggregate import box_aggregate
from review.metrics.boxes.inputs import BoxAnnotations, box_annotations
from review.metrics.review_budget import review_queue
from review.metrics.spans.aggregate import span_aggregate
from review.metrics.spans.inputs import SpanAnnotations, span_annotations
from review.metrics.units import RegionResults
from review.services.risk import estimate_figures
from review.services.risk_cut import budget_settings, budget_size

DIGITS = 6
NO_AGGREGATE = (None, None, "", None)
AGGREGATE_KINDS = ("spans", "boxes")


@dataclass(frozen=True)
class RegionData:
    """Span (or box) annotations in long form and the item pk of each item index."""

    kind: str
    spans: SpanAnnotations | None
    boxes: BoxAnnotations | None
    item_ids: np.ndarray


def project_region_data(project: Project) -> RegionData:
    """Every annotation of the project (review.loaders.regions, the agreement report's loader)."""
    labels = declared_labels(project.schema)
    if project.kind == "spans":
        spans, rows = span_rows_load(project, labels)
        return RegionData("spans", spans, None, rows.item_ids)
    boxes, rows = box_rows_load(project, labels)
    return RegionData("boxes", None, boxes, rows.item_ids)


def item_region_data(item: Item) -> RegionData:
    """One item's annotations (a handful of rows: read as values, parts with schema labels)."""
    kind, labels = item.project.kind, declared_labels(item.project.schema)
    annotations = Annotation.objects.filter(item=item).order_by("annotator_id")
    rows = annotations.values_list("annotator_id", "value")
    mapping = {item.pk: [(str(a), value_parts(kind, v, labels)) for a, v in rows]}
    if not mapping[item.pk]:
        return RegionData(kind, None, None, np.zeros(0, dtype=np.int64))
    ids = np.array([item.pk], dtype=np.int64)
    if kind == "spans":
        text = item.data.get("text") if isinstance(item.data, dict) else None
        texts = {item.pk: text if isinstance(text, str) else ""}
        return RegionData(kind, span_annotations(mapping, texts, labels)[0], None, ids)
    return RegionData(kind, None, box_annotations(mapping, labels)[0], ids)


def _rounded(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), DIGITS)


def region_results(
    data: RegionData, *, method: str, weighted: bool, with_risk: bool
) -> RegionResults:
    """The pure aggregate of the loaded annotations (spans or boxes)."""
    options = {"method": method, "weighted": weighted, "with_risk": with_risk}
    if data.spans is not None:
        return span_aggregate(data.spans, **options)  # type: ignore[arg-type]
    assert data.boxes is not None  # noqa: S101 - region_data fills one of the two
    return box_aggregate(data.boxes, **options)  # type: ignore[arg-type]


def item_region_columns(item: Item) -> tuple[Any, ...]:
    """AGGREGATE_FIELDS of one item from a plain vote of its annotations (the submit path)."""
    data = item_region_data(item)
    if not len(data.item_ids):
        return NO_AGGREGATE
    result = region_results(data, method="majority", weighted=False, with_risk=False)
    return _columns(result, 0)


def _columns(result: RegionResults, index: int) -> tuple[Any, ...]:
    confidence, agreement = result.confidence[index], result.agreement[index]
    return (result.values[index], _rounded(confidence), result.method, _rounded(agreement))


@dataclass(frozen=True)
class RegionRun:
    """One project run: the columns per item pk, p_wrong per item pk, the estimate."""

    columns: dict[int, tuple[Any, ...]]
    p_wrong: dict[int, float | None]
    estimate: dict[str, Any]


def project_region_run(project: Project) -> RegionRun:
    """Compute every item's aggregate columns and p_wrong (no write; see the module docstring)."""
    data = project_region_data(project)
    method = str(project.settings.get("aggregation", "auto"))
    result = region_results(data, method=method, weighted=True, with_risk=True)
    ids = data.item_ids.tolist()
    columns = {pk: _columns(result, index) for index, pk in enumerate(ids)}
    risk = np.asarray(result.p_wrong, dtype=np.float64)
    settled = _known_labels(project, data, result, risk)
    budget, threshold = budget_settings(project.settings)
    queue = review_queue(risk, budget=None, threshold=threshold, eligible=~settled)
    queue = queue[: budget_size(budget, int(np.isfinite(risk).sum()))]
    p_wrong = {pk: _rounded(value) for pk, value in zip(ids, risk.tolist(), strict=True)}
    # Unit risks are Dawid-Skene posteriors: no gold enters at unit level to calibrate them.
    estimate = estimate_figures(risk, queue) | {"calibration": "posterior"}
    return RegionRun(columns, p_wrong, estimate)


def _known_labels(
    project: Project, data: RegionData, result: RegionResults, risk: np.ndarray
) -> np.ndarray:
    """Set p_wrong of settled (0) and gold (0 or 1) items in place; return the settled mask."""
    index = {pk: i for i, pk in enumerate(data.item_ids.tolist())}
    settled = np.zeros(len(index), dtype=bool)
    known = Q(final_value__isnull=False) | Q(is_gold=True)
    rows = Item.objects.filter(known, project=project)  # few rows; no id list (SQLite's limit)
    for pk, final, is_gold, gold in rows.values_list("id", "final_value", "is_gold", "gold_value"):
        i = index.get(pk)
        if i is None:
            continue  # settled or gold, but without annotations: no aggregate, no p_wrong
        current = final if final is not None else result.values[i]
        settled[i] = final is not None
        if is_gold and gold is not None:
            risk[i] = 0.0 if region_f1(current, gold, data.kind) >= 1.0 else 1.0
        elif final is not None:
            risk[i] = 0.0
    return settled


def project_region_store(project: Project, run: RegionRun) -> int:
    """Write the run's columns and p_wrong where they changed; items without annotations
    lose theirs. Call inside the project run's transaction; returns items whose columns changed.
    """
    current = {
        row[0]: (tuple(row[1:-1]), row[-1])
        for row in Item.objects.filter(project=project).values_list(
            "id", *AGGREGATE_FIELDS, "p_wrong"
        )
    }
    changed = [
        (pk, run.columns.get(pk, NO_AGGREGATE))
        for pk, (columns, _) in current.items()
        if columns != run.columns.get(pk, NO_AGGREGATE)
    ]
    items_aggregates_set(rows=changed)
    risks = [
        (pk, run.p_wrong.get(pk))
        for pk, (_, stored) in current.items()
        if stored != run.p_wrong.get(pk)
    ]
    items_p_wrong_set(rows=risks)
    return len(changed)
