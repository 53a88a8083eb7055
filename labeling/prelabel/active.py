"""Active-learning reads the ordering policies share: the version in use, rarity of labels.

The policies order by the predictions of the project's newest model version that has any;
older versions are ignored so the order follows the current model.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Q, QuerySet

from labeling.db.executor import table
from labeling.models import Item, ModelVersion, Prediction, Project
from labeling.prelabel.active_sql import margin_sql as margin_sql  # for the policies
from labeling.prelabel.labels import class_of

ITEM = table(Item)


def current_version(project: Project) -> str | None:
    """The newest model version of the project with at least one prediction, else None."""
    for version in ModelVersion.objects.filter(project=project).order_by("-id").values_list(
        "version", flat=True
    )[:10]:
        if Prediction.objects.filter(project=project, model_version=version).exists():
            return str(version)
    latest = Prediction.objects.filter(project=project).order_by("-created_at", "-id").first()
    return latest.model_version if latest else None


def predictions_of(project: Project, version: str) -> QuerySet[Prediction]:
    """The version's predictions in the project."""
    return Prediction.objects.filter(project=project, model_version=version)


def labels_rarest_first(project: Project, version: str) -> list[str]:
    """Class labels ordered rarest first: by how often people gave them (final, else aggregate),
    then by how often the model predicts them; labels nobody gave yet come first."""
    kind = project.kind
    human: Counter[str] = Counter()
    settled = project.items.exclude(final_value__isnull=True, aggregate_value__isnull=True)
    for final, aggregate in settled.values_list("final_value", "aggregate_value").iterator(
        chunk_size=5000
    ):
        label = class_of(kind, final) or class_of(kind, aggregate)
        if label is not None:
            human[label] += 1
    predicted: Counter[str] = Counter()
    for value in predictions_of(project, version).values_list("value", flat=True).iterator(
        chunk_size=5000
    ):
        label = class_of(kind, value)
        if label is not None:
            predicted[label] += 1
    return sorted(predicted, key=lambda label: (human[label], predicted[label], label))


def predicted_items_sql(project: Project, version: str, only: Q | None = None) -> tuple[str, tuple[object, ...]]:
    """SQL `item.id IN (...)`: items with a prediction of `version` (narrowed by `only`).

    A subquery in WHERE, not a join, so the claim can lock item rows with SKIP LOCKED.
    """
    predictions = predictions_of(project, version)
    if only is not None:
        predictions = predictions.filter(only)
    sql, params = predictions.order_by().values("item_id").query.sql_with_params()
    return f"{ITEM}.id IN ({sql})", tuple(params)

