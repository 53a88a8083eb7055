"""Edit a project's settings and label schema, keeping existing labels consistent.

Before any label exists the schema may change freely. Once annotations, predictions,
aggregates, finals or gold answers exist, the kind and data type are fixed, labels in use
may not disappear, and a rename rewrites every stored value that names the old label in
the same transaction, so exports and agreement never see a label the schema lacks.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Model, Q, QuerySet

from labeling.events import refresh_project_on_commit
from labeling.exceptions import SchemaError
from labeling.models import Annotation, Item, OrderingPolicy, Prediction, Project
from labeling.schema import schema_validate
from labeling.services.audit import audit_record
from labeling.services.model_server import model_server_settings_update
from labeling.services.projects import project_create
from labeling.values import declared_labels

REWRITE_BATCH = 2000
ITEM_VALUE_FIELDS = ("aggregate_value", "final_value", "gold_value")


@transaction.atomic
def project_settings_update(
    *,
    project: Project,
    actor: AbstractBaseUser | None,
    name: str,
    description: str,
    schema: dict[str, Any],
    ordering: str,
    lease_minutes: int,
    gold_rate: float,
    renames: dict[str, str] | None = None,
) -> Project:
    """Save the project's settings and schema; apply label `renames` {old: new} everywhere.

    Raises SchemaError (with details={"field": ...} naming the form field at fault) when the
    schema is invalid, the kind/data type changes after labels exist, or a label in use
    would vanish. Writes one audit entry and, after renames, asks review to recompute.
    """
    locked = Project.objects.select_for_update().get(pk=project.pk)
    clean = _validated(schema)
    renames = {old: new for old, new in (renames or {}).items() if old != new}
    if _has_labels(locked):
        _check_compatible(locked.schema, clean, renames)
    _check_scalars(name=name, ordering=ordering, lease_minutes=lease_minutes, gold_rate=gold_rate)
    before = {"name": locked.name, "schema": locked.schema, "ordering": locked.ordering}
    quality_changed = _quality_settings(locked.schema) != _quality_settings(clean)
    if renames:
        labels_rename(project=locked, renames=renames)
    locked.name, locked.description, locked.schema = name.strip(), description, clean
    locked.overlap = clean["settings"]["overlap"]
    locked.ordering, locked.lease_minutes, locked.gold_rate = ordering, lease_minutes, gold_rate
    locked.save()
    after = {"name": locked.name, "schema": clean, "ordering": ordering, "renames": renames}
    audit_record(
        project=locked, actor=actor, action="project.settings_update",
        target_type="project", target_id=locked.pk, before=before, after=after,
    )
    if renames or quality_changed:
        refresh_project_on_commit(locked.pk)
    return locked


# Settings whose change alters aggregates, p_wrong or flags (so saving them recomputes).
QUALITY_SETTINGS = ("aggregation", "flags", "review_budget", "risk_threshold")


def _quality_settings(schema: dict[str, Any]) -> tuple[Any, ...]:
    settings = schema.get("settings") or {}
    return tuple(settings.get(key) for key in QUALITY_SETTINGS)


def project_settings_merge(
    *, project: Project, actor: AbstractBaseUser | None, settings: dict[str, Any]
) -> Project:
    """Merge `settings` into the project's schema settings and save (the API's PATCH).

    Runs the same checks, audit entry and recompute trigger as project_settings_update.
    A "prelabel" object (the model server settings, with its write-only password or token)
    goes to labeling.services.model_server, which validates, encrypts and audits it.
    """
    if "prelabel" in settings:
        with transaction.atomic():
            project = model_server_settings_update(
                project=project, actor=actor, changes=settings["prelabel"]
            )
            rest = {key: value for key, value in settings.items() if key != "prelabel"}
            return project_settings_merge(project=project, actor=actor, settings=rest) if rest else project
    schema = {**project.schema, "settings": {**project.settings, **settings}}
    return project_settings_update(
        project=project, actor=actor, name=project.name, description=project.description,
        schema=schema, ordering=project.ordering, lease_minutes=project.lease_minutes,
        gold_rate=project.gold_rate,
    )  # fmt: skip


@transaction.atomic
def project_create_configured(
    *,
    actor: AbstractBaseUser,
    name: str,
    description: str,
    schema: dict[str, Any],
    ordering: str,
    lease_minutes: int,
    gold_rate: float,
) -> Project:
    """Create a project with all its settings in one transaction; `actor` becomes its lead.

    Raises SchemaError (details name the field) or Conflict when the name is taken.
    """
    clean = _validated(schema)
    project = project_create(name=name, schema=clean, description=description, created_by=actor)
    return project_settings_update(
        project=project, actor=actor, name=name, description=description, schema=clean,
        ordering=ordering, lease_minutes=lease_minutes, gold_rate=gold_rate,
    )


def _validated(schema: dict[str, Any]) -> dict[str, Any]:
    try:
        return schema_validate(schema)
    except SchemaError as error:
        raise SchemaError(error.message, details={"field": _field_of(error.message)}) from error


def _field_of(message: str) -> str:
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


def _has_labels(project: Project) -> bool:
    items = Item.objects.filter(project=project)
    return (
        Annotation.objects.filter(project=project).exists()
        or Prediction.objects.filter(project=project).exists()
        or items.filter(Q(final_value__isnull=False) | Q(gold_value__isnull=False)).exists()
    )


def _check_compatible(old: dict[str, Any], new: dict[str, Any], renames: dict[str, str]) -> None:
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


def _check_scalars(*, name: str, ordering: str, lease_minutes: int, gold_rate: float) -> None:
    if not name.strip():
        raise SchemaError("A project needs a name", details={"field": "name"})
    if ordering not in OrderingPolicy.values:
        raise SchemaError("Unknown ordering policy", details={"field": "ordering"})
    if not 1 <= lease_minutes <= 24 * 60:
        raise SchemaError(
            "The lease must be from 1 to 1440 minutes", details={"field": "lease_minutes"}
        )
    if not 0.0 <= gold_rate <= 1.0:
        raise SchemaError("The gold rate is a share from 0 to 1", details={"field": "gold_rate"})


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
