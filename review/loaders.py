"""Load a project's annotations from the database into the pure metrics' long form.

Label codes are computed in SQL (CASE over the schema labels, or the rating
minus the scale minimum), so a million annotations arrive as integer tuples
instead of a million decoded JSON objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, ExtractIsoYear, ExtractWeek

from labeling.models import Annotation, Item, Project
from review.metrics.inputs import Annotations, SchemaSpec

NO_VERSION = -1


@dataclass(frozen=True)
class ProjectData:
    """A project's annotations in long form plus the database ids behind the indices."""

    annotations: Annotations
    schema: SchemaSpec
    item_ids: np.ndarray  # item index -> Item.pk
    annotator_ids: np.ndarray  # annotator index -> User.pk


def schema_spec(schema: dict[str, Any]) -> SchemaSpec:
    """The metrics' view of a project's label schema."""
    kind = schema.get("kind", "single")
    labels = [str(label["value"]) for label in schema.get("labels", [])]
    scale = schema.get("scale")
    bounds = (int(scale["min"]), int(scale["max"])) if isinstance(scale, dict) else None
    return SchemaSpec(kind=kind, labels=labels, scale=bounds, level=schema.get("level", "ordinal"))


def _code_expression(spec: SchemaSpec) -> Any:
    """SQL expression for the value code of an annotation (-1 when it has none)."""
    if spec.kind == "rating" and spec.scale is not None:
        return Cast(KT("value__rating"), IntegerField()) - Value(spec.scale[0])
    whens = [When(value__label=label, then=Value(code)) for code, label in enumerate(spec.labels)]
    return Case(*whens, default=Value(-1), output_field=IntegerField())


def _indicators(values: list[Any], labels: list[str]) -> np.ndarray:
    """Boolean (rows, labels) matrix from multi-label values {"labels": [...]}."""
    index = {label: j for j, label in enumerate(labels)}
    matrix = np.zeros((len(values), len(labels)), dtype=bool)
    for row, value in enumerate(values):
        for label in (value or {}).get("labels", []):
            if label in index:
                matrix[row, index[label]] = True
    return matrix


def _fetch(project: Project, spec: SchemaSpec) -> tuple[np.ndarray, list[Any]]:
    """Integer columns (item, annotator, code, version, iso year, week) and, for multi, raw values."""
    rows = Annotation.objects.filter(project=project).order_by()
    rows = rows.annotate(
        iso_year=ExtractIsoYear("created_at"),
        week=ExtractWeek("created_at"),
        version=Coalesce("guideline_version", Value(NO_VERSION)),
    )
    if spec.kind == "multi":
        raw = list(
            rows.values_list("item_id", "annotator_id", "version", "iso_year", "week", "value")
        )
        table = [(r[0], r[1], 0, r[2], r[3], r[4]) for r in raw]
        values = [r[5] for r in raw]
    else:
        rows = rows.annotate(code=_code_expression(spec))
        table = list(
            rows.values_list("item_id", "annotator_id", "code", "version", "iso_year", "week")
        )
        values = []
    if not table:
        return np.zeros((0, 6), dtype=np.int64), values
    array = np.array(
        [tuple(NO_VERSION if v is None else v for v in row) for row in table], dtype=np.int64
    )
    return array, values


def _gold(project: Project, spec: SchemaSpec, item_ids: np.ndarray) -> np.ndarray | None:
    """Gold code per item index (-1 when not gold); None when the project has no gold items."""
    gold = dict(
        Item.objects.filter(project=project, is_gold=True)
        .exclude(gold_value=None)
        .values_list("id", "gold_value")
    )
    if not gold or spec.kind not in ("single", "rating"):
        return None
    codes = np.full(len(item_ids), -1, dtype=np.int64)
    lookup = {label: code for code, label in enumerate(spec.labels)}
    for index, item_id in enumerate(item_ids.tolist()):
        value = gold.get(item_id) or {}
        if (
            spec.kind == "rating"
            and spec.scale is not None
            and isinstance(value.get("rating"), int)
        ):
            codes[index] = value["rating"] - spec.scale[0]
        elif "label" in value:
            codes[index] = lookup.get(value["label"], -1)
    return codes


def project_data(project: Project) -> ProjectData:
    """All annotations of ``project`` with valid codes, indexed densely by item and annotator."""
    spec = schema_spec(project.schema)
    table, values = _fetch(project, spec)
    keep = (table[:, 2] >= 0) & (table[:, 2] < max(spec.n_values, 1))
    table = table[keep]
    item_ids, items = np.unique(table[:, 0], return_inverse=True)
    annotator_ids, annotators = np.unique(table[:, 1], return_inverse=True)
    names = dict(
        get_user_model().objects.filter(pk__in=annotator_ids.tolist()).values_list("pk", "username")
    )
    indicators = (
        _indicators([v for v, k in zip(values, keep, strict=True) if k], spec.labels)
        if values
        else None
    )
    weeks = [
        f"{y}-W{w:02d}" for y, w in zip(table[:, 4].tolist(), table[:, 5].tolist(), strict=True)
    ]
    versions = np.where(table[:, 3] == NO_VERSION, "none", table[:, 3].astype(str))
    data = Annotations(
        items=items.astype(np.int64),
        annotators=annotators.astype(np.int64),
        codes=table[:, 2],
        n_items=len(item_ids),
        annotator_names=[names.get(a, str(a)) for a in annotator_ids.tolist()],
        indicators=indicators,
        gold=_gold(project, spec, item_ids),
        groups={"guideline_version": versions, "week": weeks},
    )
    return ProjectData(data, spec, item_ids, annotator_ids)
