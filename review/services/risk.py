"""p_wrong per item, the review budget's queue and the estimated label accuracy (project run).

Runs inside the project agreement run (review.services.agreement.project_snapshot_create),
never per submit: at 100k items x 3 labels it costs ~6 s without gold, ~19 s with gold.

Per item, the current label is the final label when a reviewer settled it, else the
aggregate this run just computed. Gold answers and reviewers' final labels both clamp
the Dawid-Skene run (review.metrics.risk.item_risk), so annotators' weights learn from
them; settled and gold items then get p_wrong 0 (or 1 for a gold miss). A model enters
only through its held-out probabilities (out-of-fold for trained items) and only when it
beat the majority baseline in cross-validation (review.services.model_evidence): so the
items it disagrees with, likely label errors among them, rank higher in the budget queue.
Single-label and rating projects only; other kinds keep p_wrong null.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction

from labeling.models import Item, Project
from labeling.services.items import items_p_wrong_set
from labeling.values import class_key
from review.loaders.annotations import ProjectData
from review.metrics.inputs import SchemaSpec
from review.metrics.report import ItemResults, coded_values
from review.metrics.review_budget import accuracy_estimate, review_queue
from review.metrics.risk import item_risk
from review.services.model_evidence import model_evidence
from review.services.risk_cut import budget_settings, budget_size
from review.services.write_pace import write_pause

DIGITS = 6
RISK_KINDS = ("single", "rating")


@dataclass(frozen=True)
class ProjectRisk:
    """p_wrong per item index of the run's ProjectData, the queue (indices) and the estimate."""

    p_wrong: np.ndarray
    queue: np.ndarray
    calibration: str
    estimate: dict[str, Any]


def _final_codes(project: Project, spec: SchemaSpec, item_ids: np.ndarray) -> np.ndarray:
    """Code of each item's final label (-1 where not settled or not in the schema)."""
    finals = dict(
        Item.objects.filter(project=project, final_value__isnull=False).values_list(
            "id", "final_value"
        )
    )
    lookup = {name: code for code, name in enumerate(spec.value_names)}
    codes = np.full(len(item_ids), -1, dtype=np.int64)
    if not finals:
        return codes
    # item_ids are sorted (np.unique); look up the few settled items, not every item.
    settled = np.fromiter(finals, dtype=np.int64, count=len(finals))
    where = np.minimum(np.searchsorted(item_ids, settled), max(len(item_ids) - 1, 0))
    for item_id, index in zip(settled.tolist(), where.tolist(), strict=True):
        if not len(item_ids) or item_ids[index] != item_id:
            continue  # settled but not in this run's items (no valid label, or not sampled)
        key = class_key(finals[item_id], spec.kind)
        if key is not None:
            codes[index] = lookup.get(str(key), -1)
    return codes


def model_matrix(
    project: Project, item_ids: np.ndarray, names: list[str], labels: np.ndarray | None = None
) -> np.ndarray | None:
    """(items, classes) held-out probabilities of the usable model, NaN rows where none;
    None without a usable model. Rows naming classes outside the schema are left NaN.
    ``labels``: the run's current label code per item, which an imported model is checked
    against (default: the stored aggregates)."""
    current = None
    if labels is not None:
        current = {
            item_id: names[code]
            for item_id, code in zip(item_ids.tolist(), labels.tolist(), strict=True)
            if code >= 0
        }
    evidence = model_evidence(project, current=current)
    if not evidence.probabilities:
        return None
    column = {name: code for code, name in enumerate(names)}
    matrix = np.full((len(item_ids), len(names)), np.nan)
    for row, item_id in enumerate(item_ids.tolist()):
        probs = evidence.probabilities.get(item_id)
        if not probs or any(str(label) not in column for label in probs):
            continue
        matrix[row] = 0.0
        for label, p in probs.items():
            matrix[row, column[str(label)]] = float(p)
        total = matrix[row].sum()
        matrix[row] = matrix[row] / total if total > 0 else np.nan
    return matrix if np.isfinite(matrix).all(axis=1).any() else None


def project_risk(project: Project, data: ProjectData, items: ItemResults) -> ProjectRisk | None:
    """p_wrong, the budget queue and the accuracy estimate; None for kinds without them."""
    spec, a = data.schema, data.annotations
    if spec.kind not in RISK_KINDS or not len(data.item_ids):
        return None
    codes, names = coded_values(a, spec)
    sizes = {"n_items": a.n_items, "n_annotators": a.n_annotators, "n_classes": len(names)}
    finals = _final_codes(project, spec, data.item_ids)
    labels = np.where(finals >= 0, finals, items.labels)
    gold = np.full(a.n_items, -1, dtype=np.int64) if a.gold is None else a.gold.copy()
    gold = np.where(finals >= 0, finals, gold)
    model = model_matrix(project, data.item_ids, names, labels)
    result = item_risk(
        a.items, a.annotators, codes, sizes=sizes, labels=labels, gold=gold, model=model
    )
    budget, threshold = budget_settings(project.settings)
    queue = review_queue(result.p_wrong, budget=None, threshold=threshold, eligible=finals < 0)
    queue = queue[: budget_size(budget, int(np.isfinite(result.p_wrong).sum()))]
    return ProjectRisk(
        result.p_wrong, queue, result.calibration, estimate_figures(result.p_wrong, queue)
    )


def estimate_figures(p_wrong: np.ndarray, queue: np.ndarray) -> dict[str, Any]:
    """The "estimated_accuracy" object: value with a 95% interval, expected wrong, fixed by budget.

    The interval treats each label as an independent Bernoulli(p_wrong) draw (Poisson
    binomial: variance sum p(1 - p)); it is the spread of the true count of wrong labels
    given p_wrong, not the uncertainty of p_wrong itself.
    """
    estimate = accuracy_estimate(p_wrong, queue)
    if not estimate.items:
        return {"value": None, "low": None, "high": None, "expected_wrong": 0.0,
                "fixed_by_budget": 0.0, "items": 0, "queued": 0}  # fmt: skip
    risk = p_wrong[np.isfinite(p_wrong)]
    spread = 1.96 * float(np.sqrt((risk * (1 - risk)).sum()))
    n = estimate.items

    def share(wrong: float) -> float:
        return round(min(1.0, max(0.0, 1 - wrong / n)), DIGITS)

    return {
        "value": round(float(estimate.expected_accuracy), DIGITS),
        "low": share(estimate.expected_wrong + spread),
        "high": share(estimate.expected_wrong - spread),
        "expected_wrong": round(estimate.expected_wrong, 3),
        "fixed_by_budget": round(estimate.expected_fixed, 3),
        "items": n,
        "queued": estimate.queued,
    }


def p_wrong_store(
    project: Project, data: ProjectData, risk: ProjectRisk | None, *, page: int | None = None
) -> int:
    """Write p_wrong of the run's items and null it on items the run has no figure for.

    With `page`, each `page` rows commit on their own (SQLite: no long write transaction).
    """
    values = {}
    if risk is not None:
        for item_id, value in zip(data.item_ids.tolist(), risk.p_wrong.tolist(), strict=True):
            values[item_id] = None if value != value else round(value, DIGITS)  # NaN -> None
    current = dict(Item.objects.filter(project=project).values_list("id", "p_wrong"))
    rows = [
        (item_id, values.get(item_id))
        for item_id, stored in current.items()
        if stored != values.get(item_id)
    ]
    page = page or max(len(rows), 1)
    for start in range(0, len(rows), page):
        with transaction.atomic():
            items_p_wrong_set(rows=rows[start : start + page])
        write_pause()
    return len(rows)
