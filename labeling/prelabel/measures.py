"""Reads for the pre-labeling pages and API: per-version accuracy and acceptance, anchoring.

- accuracy: share of a version's predictions that match the item's final label (settled items);
- acceptance: of the annotations made with a suggestion shown, the share whose value equals the
  suggestion (the item's latest prediction made before the annotation, else its latest one);
- anchoring: agreement with the aggregated label for annotations made with the suggestion shown
  versus hidden; a clearly higher "shown" figure hints that suggestions sway annotators.
All are None when there is nothing to measure. Staff (reviewers and leads) only.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count

from labeling.models import Annotation, ModelVersion, Prediction, Project, Role
from labeling.permissions import project_for_role
from labeling.prelabel.labels import same_value


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def _accuracy_by_version(project: Project) -> dict[str, tuple[int, int]]:
    """version -> (predictions matching the final label, predictions on settled items)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rows = Prediction.objects.filter(project=project, item__final_value__isnull=False).values_list(
        "model_version", "value", "item__final_value"
    )
    for version, value, final in rows.iterator(chunk_size=5000):
        counts[version][0] += same_value(project.kind, value, final)
        counts[version][1] += 1
    return {version: (hits, total) for version, (hits, total) in counts.items()}


def _acceptance_by_version(project: Project) -> dict[str, tuple[int, int]]:
    """version -> (annotations keeping the suggestion, annotations shown one of its suggestions)."""
    shown = list(
        Annotation.objects.filter(project=project, prelabel_shown=True).values_list(
            "item_id", "value", "created_at"
        )
    )
    by_item: dict[int, list[tuple[Any, str, Any]]] = defaultdict(list)
    predictions = Prediction.objects.filter(
        project=project, item_id__in={item_id for item_id, _, _ in shown}
    ).values_list("item_id", "created_at", "model_version", "value")
    for item_id, created, version, value in predictions.order_by("created_at", "id"):
        by_item[item_id].append((created, version, value))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item_id, value, made_at in shown:
        candidates = by_item.get(item_id)
        if not candidates:
            continue
        before = [c for c in candidates if c[0] <= made_at]
        _, version, suggested = (before or candidates)[-1]
        counts[version][0] += same_value(project.kind, value, suggested)
        counts[version][1] += 1
    return {version: (hits, total) for version, (hits, total) in counts.items()}


def model_version_measures(*, user: AbstractBaseUser, project_id: int) -> list[dict[str, Any]]:
    """Every model version of the project, newest first, with its accuracy and acceptance."""
    project = project_for_role(user, project_id, [Role.LEAD])
    accuracy = _accuracy_by_version(project)
    acceptance = _acceptance_by_version(project)
    predicted = dict(
        Prediction.objects.filter(project=project)
        .order_by()
        .values("model_version")
        .annotate(n=Count("id"))
        .values_list("model_version", "n")
    )
    rows = []
    for version in ModelVersion.objects.filter(project=project).order_by("-id"):
        hits, settled = accuracy.get(version.version, (0, 0))
        kept, shown = acceptance.get(version.version, (0, 0))
        rows.append(
            {
                "version": version.version,
                "backend": version.backend,
                "trained_on": version.trained_on,
                "cv_accuracy": version.cv_accuracy,
                "created_at": version.created_at,
                "predictions": predicted.get(version.version, 0),
                "settled": settled,
                "accuracy": _share(hits, settled),
                "shown": shown,
                "acceptance": _share(kept, shown),
                "details": version.details,
            }
        )
    return rows


def anchoring_comparison(*, user: AbstractBaseUser, project_id: int) -> dict[str, Any]:
    """Agreement with the aggregated label for annotations with the suggestion shown vs hidden.

    Only items that have a prediction count (elsewhere nothing could have been shown).
    Returns {"shown": {"annotations", "agree"}, "hidden": {...}, "difference", "share"}.
    """
    project = project_for_role(user, project_id, [Role.LEAD])
    rows = Annotation.objects.filter(
        project=project,
        item__aggregate_value__isnull=False,
        item_id__in=Prediction.objects.filter(project=project).values("item_id"),
    ).values_list("prelabel_shown", "value", "item__aggregate_value")
    counts = {True: [0, 0], False: [0, 0]}
    for shown, value, aggregate in rows.iterator(chunk_size=5000):
        counts[shown][0] += same_value(project.kind, value, aggregate)
        counts[shown][1] += 1
    groups = {
        name: {"annotations": counts[flag][1], "agree": _share(*counts[flag])}
        for name, flag in (("shown", True), ("hidden", False))
    }
    shown, hidden = groups["shown"]["agree"], groups["hidden"]["agree"]
    difference = round(shown - hidden, 4) if shown is not None and hidden is not None else None
    return {**groups, "difference": difference, "share": project.prelabel_share,
            "enabled": project.show_prelabels}
