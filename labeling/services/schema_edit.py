"""Edit a project's label schema, keeping existing labels consistent (settings: services.settings).

Before any label exists the schema may change freely. Once annotations, predictions,
aggregates, finals or gold answers exist, the kind and data type are fixed, labels in use
may not disappear, and a rename rewrites every stored value that names the old label in
the same transaction, so exports and agreement never see a label the schema lacks.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q, QuerySet

from labeling.exceptions import SchemaError
from labeling.models import Annotation, Item, Prediction, Project
from labeling.values import declared_labels

REWRITE_BATCH = 2000
ITEM_VALUE_FIELDS = ("aggregate_value", "final_value", "gold_value")


def field_of(message: str) -> str:
    """The settings form field a schema_validate message is about."""
    for key, field in (
        ("labels", "labels"), ("overlap", "overlap"), ("scale", "scale_max"),
        ("level", "level"), ("aggregation", "aggregation"), ("schema.data", "data_type"),
        ("review_budget", "review_budget"), ("risk_threshold", "risk_threshold"),
        ("kind", "kind"),
    ):
        if key in message:
            return field
    return "__all__"


def has_labels(project: Project) -> bool:
    items = Item.objects.filter(project=project)
    return (
        Annotation.objects.filter(project=project).exists()
        or Prediction.objects.filter(project=project).exists()
        or items.filter(Q(final_value__isnull=False) | Q(gold_value__isnull=False)).exists()
    )


def check_compatible(old: dict[str, Any], new: dict[str, Any], renames: dict[str, str]) -> None:
    if old.get("kind") != new["kind"]:
        raise SchemaError("The kind cannot change once labels exist", details={"field": "kind"})
    if old.get("data", "text") != new["data"]:
        raise SchemaError(
            "The data type cannot change once labels exist", details={"field": "data_type"}
        )
    if new["kind"] == "rating":
        if old.get("scale") != new.get("scale"):
            raise SchemaError(
                "The rating scale cannot change once labels exist", details={"field": "scale_max"}
            )
        return
    kept = set(declared_labels(new))
    for value in declared_labels(old):
        target = renames.get(value, value)
        if target not in kept:
            raise SchemaError(
                f"The label {value!r} is in use and cannot be removed; rename it instead",
                details={"field": "labels"},
            )


def labels_rename(*, project: Project, renames: dict[str, str]) -> int:
    """Rewrite every stored value of the project naming an old label; returns rows changed.

    Covers annotation values, prediction values and the item's aggregate, final and gold
    values. Call inside a transaction (project_settings_update does); batches keep memory flat.
    """
    kind = project.kind
    changed = _rewrite(Annotation.objects.filter(project=project), ("value",), kind, renames)
    changed += _rewrite(Prediction.objects.filter(project=project), ("value",), kind, renames)
    items = Item.objects.filter(project=project).filter(
        Q(aggregate_value__isnull=False) | Q(final_value__isnull=False) | Q(gold_value__isnull=False)
    )
    return changed + _rewrite(items, ITEM_VALUE_FIELDS, kind, renames)


def _rewrite(rows: QuerySet[Any], fields: tuple[str, ...], kind: str, renames: dict[str, str]) -> int:
    batch: list[Model] = []
    changed = 0
    for row in rows.only("id", *fields).order_by("id").iterator(chunk_size=REWRITE_BATCH):
        updated = False
        for field in fields:
            old = getattr(row, field)
            new = value_rename(kind, old, renames)
            if new != old:
                setattr(row, field, new)
                updated = True
        if updated:
            batch.append(row)
        if len(batch) >= REWRITE_BATCH:
            changed += rows.model.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        changed += rows.model.objects.bulk_update(batch, fields)
    return changed


def value_rename(kind: str, value: Any, renames: dict[str, str]) -> Any:
    """The annotation value with every label renamed per `renames` (other values unchanged)."""
    if not isinstance(value, dict):
        return value
    if kind == "single" and "label" in value:
        return {**value, "label": renames.get(value["label"], value["label"])}
    if kind == "multi" and isinstance(value.get("labels"), list):
        return {**value, "labels": [renames.get(label, label) for label in value["labels"]]}
    for key in ("spans", "boxes"):
        if kind == key and isinstance(value.get(key), list):
            parts = [
                {**part, "label": renames.get(part.get("label"), part.get("label"))}
                if isinstance(part, dict) else part
                for part in value[key]
            ]
            return {**value, key: parts}
    return value
