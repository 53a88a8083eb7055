"""Load a project's annotations from the database into the pure metrics' long form.

Label codes are computed in SQL (CASE over the schema labels, or the rating
minus the scale minimum), so a million annotations arrive as integers instead
of a million decoded JSON objects; on PostgreSQL they stream through COPY.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, IntegerField, QuerySet, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, ExtractIsoYear, ExtractWeek

from labeling.db.backend import is_postgresql
from labeling.db.executor import BY_INDEX, copy_to_csv
from labeling.models import Annotation, Item, Project
from labeling.values import VALUE_KEYS, class_key
from review.metrics.inputs import Annotations, SchemaSpec

NO_VERSION = -1
COLUMNS = ("item_id", "annotator_id", "code", "version", "iso_year", "week")


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
    """SQL expression for the value code of an annotation (-1 when it has none).

    Compares the label as plain text (value->>'label', cast so that SQLite does
    not treat the right side as JSON): on PostgreSQL that is about three times
    cheaper per row than comparing jsonb values.
    """
    if spec.kind == "rating" and spec.scale is not None:
        return Cast(KT("value__rating"), IntegerField()) - Value(spec.scale[0])
    whens = [When(label_text=label, then=Value(code)) for code, label in enumerate(spec.labels)]
    return Case(*whens, default=Value(-1), output_field=IntegerField())


def _indicators(values: list[Any], labels: list[str]) -> np.ndarray:
    """Boolean (rows, labels) matrix from multi-label values {"labels": [...]}."""
    index = {label: j for j, label in enumerate(labels)}
    matrix = np.zeros((len(values), len(labels)), dtype=bool)
    # Hot path (a million rows): the multi content read inline, as labeling.values.value_labels
    # reads it; calling value_labels here costs 1.6 s more per million rows.
    key = VALUE_KEYS["multi"]
    for row, value in enumerate(values):
        content = value.get(key) if isinstance(value, dict) else None
        for label in content if isinstance(content, list) else ():
            if isinstance(label, str) and label in index:
                matrix[row, index[label]] = True
    return matrix


def _rows(project: Project, spec: SchemaSpec, items: QuerySet[Any] | None) -> QuerySet[Annotation]:
    """The project's annotations (of ``items``, item ids, when given) with the integer
    columns of COLUMNS."""
    rows = Annotation.objects.filter(project=project).order_by()
    if items is not None:
        rows = rows.filter(item_id__in=items)
    rows = rows.annotate(
        iso_year=ExtractIsoYear("created_at"),
        week=ExtractWeek("created_at"),
        version=Coalesce("guideline_version", Value(NO_VERSION)),
    )
    if spec.kind == "multi":
        return rows.annotate(code=Value(0))
    return rows.annotate(
        label_text=Cast(KT("value__label"), CharField()), code=_code_expression(spec)
    )


def _copy_ints(rows: QuerySet[Any], *, sampled: bool = False) -> np.ndarray:
    """PostgreSQL: stream the integer columns with COPY and parse them in C (no row objects);
    a sample's rows through the annotations' item index (BY_INDEX)."""
    sql, params = rows.query.sql_with_params()
    buffer = io.StringIO()
    copy_to_csv(sql, params, buffer, local_settings=BY_INDEX if sampled else ())
    if not buffer.tell():
        return np.zeros((0, len(COLUMNS)), dtype=np.int64)
    buffer.seek(0)
    return np.loadtxt(buffer, delimiter=",", dtype=np.int64, ndmin=2)


def _fetch(
    project: Project, spec: SchemaSpec, items: QuerySet[Any] | None
) -> tuple[np.ndarray, list[Any]]:
    """Integer columns (see COLUMNS) and, for multi, the raw values in the same order."""
    rows = _rows(project, spec, items)
    if spec.kind == "multi":
        raw = list(rows.values_list(*COLUMNS, "value"))
        table = np.array([r[:-1] for r in raw], dtype=np.int64).reshape(-1, len(COLUMNS))
        return table, [r[-1] for r in raw]
    if is_postgresql():
        return _copy_ints(rows.values_list(*COLUMNS), sampled=items is not None), []
    return np.array(list(rows.values_list(*COLUMNS)), dtype=np.int64).reshape(-1, len(COLUMNS)), []


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
        key = class_key(gold.get(item_id), spec.kind)
        if isinstance(key, int) and spec.scale is not None:
            codes[index] = key - spec.scale[0]
        elif isinstance(key, str):
            codes[index] = lookup.get(key, -1)
    return codes


def _named(keys: np.ndarray, name: Callable[[int], str]) -> np.ndarray:
    """Per-row group names, formatting each distinct key once (not once per row)."""
    distinct, inverse = np.unique(keys, return_inverse=True)
    return np.array([name(int(key)) for key in distinct.tolist()], dtype=str)[inverse]


def project_data(project: Project, items: QuerySet[Any] | None = None) -> ProjectData:
    """All annotations of ``project`` with valid codes, indexed densely by item and annotator;
    with ``items`` (a query of item ids), those of these items only."""
    spec = schema_spec(project.schema)
    table, values = _fetch(project, spec, items)
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
    weeks = _named(table[:, 4] * 100 + table[:, 5], lambda key: f"{key // 100}-W{key % 100:02d}")
    versions = _named(table[:, 3], lambda key: "none" if key == NO_VERSION else str(key))
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
