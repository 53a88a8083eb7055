"""Load a spans or boxes project's annotations into the span and box metrics' long form.

The single-label loader (review.loaders.annotations) computes label codes in SQL; spans and
boxes carry lists of parts, so their values are read as JSON and taken apart by the rules of
the value contract (labeling.values), skipping malformed parts. Parts naming a label outside
the schema are dropped; spans are clipped to their item's text (SpanAnnotations.clean).
Groups (guideline version, ISO week) are keyed as in review.loaders.annotations, so "by
guideline version" reads the same for every kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import CharField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, ExtractIsoYear, ExtractWeek

from labeling.db.backend import is_postgresql
from labeling.models import Annotation, Item, Project
from review.loaders.annotations import NO_VERSION
from review.loaders.regions_sql import PART_FIELDS, part_columns
from review.metrics.boxes.inputs import BoxAnnotations
from review.metrics.spans.inputs import SpanAnnotations

REGION_KINDS = ("spans", "boxes")


@dataclass(frozen=True)
class RegionRows:
    """One row per annotation (by item, then annotator), with the database ids behind the indices."""

    items: np.ndarray
    annotators: np.ndarray
    item_ids: np.ndarray  # item index -> Item.pk
    annotator_ids: np.ndarray  # annotator index -> User.pk
    names: list[str]
    values: list[Any]
    groups: dict[str, np.ndarray]


def _group_names(keys: np.ndarray, name: Any) -> np.ndarray:
    """Per-row group names, formatting each distinct key once."""
    distinct, inverse = np.unique(keys, return_inverse=True)
    return np.array([name(int(key)) for key in distinct.tolist()], dtype=str)[inverse]


def region_rows(project: Project, *, with_values: bool = True) -> RegionRows:
    """Every annotation of ``project``: dense item and annotator indices, values, groups.

    ``with_values=False`` leaves ``values`` empty (the PostgreSQL path reads parts in SQL).
    """
    columns = ("item_id", "annotator_id", "version", "iso_year", "week")
    rows = list(
        Annotation.objects.filter(project=project)
        .order_by("item_id", "annotator_id")
        .annotate(
            iso_year=ExtractIsoYear("created_at"),
            week=ExtractWeek("created_at"),
            version=Coalesce("guideline_version", Value(NO_VERSION)),
        )
        .values_list(*columns, *(("value",) if with_values else ()))
    )
    ints = np.array([row[:5] for row in rows], dtype=np.int64).reshape(-1, 5)
    item_ids, items = np.unique(ints[:, 0], return_inverse=True)
    annotator_ids, annotators = np.unique(ints[:, 1], return_inverse=True)
    users = get_user_model().objects.filter(pk__in=annotator_ids.tolist())
    names = dict(users.values_list("pk", "username"))
    weeks = ints[:, 3] * 100 + ints[:, 4]
    return RegionRows(
        items=items.astype(np.int64),
        annotators=annotators.astype(np.int64),
        item_ids=item_ids,
        annotator_ids=annotator_ids,
        names=[names.get(a, str(a)) for a in annotator_ids.tolist()],
        values=[row[5] for row in rows] if with_values else [],
        groups={
            "guideline_version": _group_names(
                ints[:, 2], lambda key: "none" if key == NO_VERSION else str(key)
            ),
            "week": _group_names(weeks, lambda key: f"{key // 100}-W{key % 100:02d}"),
        },
    )


def _texts(project: Project, item_ids: np.ndarray) -> list[str]:
    """The text of each item index ("" where the item has none)."""
    texts = dict(
        Item.objects.filter(project=project).values_list("id", Cast(KT("data__text"), CharField()))
    )
    return [texts.get(item_id) or "" for item_id in item_ids.tolist()]


NUMBER_TYPES = {"spans": (int,), "boxes": (int, float)}


def _python_parts(base: RegionRows, kind: str, labels: list[str]) -> list[tuple[Any, ...]]:
    """(row, *coordinates, label code) of every well-formed part with a schema label.

    Hot path (100,000 values): the parts are read inline by the rules of
    labeling.values (spans: integer offsets; boxes: four numbers; a string label; bools are
    not numbers), which skips a malformed part as class_key does; calling class_key per value
    costs 1.3 s more per 100,000 values.
    """
    code_of = {label: code for code, label in enumerate(labels)}
    fields, numbers, key = PART_FIELDS[kind], NUMBER_TYPES[kind], kind
    found: list[tuple[Any, ...]] = []
    for row, value in enumerate(base.values):
        parts = value.get(key) if type(value) is dict else None
        for part in parts if type(parts) is list else ():
            if type(part) is not dict:
                continue
            label = part.get("label")
            code = code_of.get(label) if type(label) is str else None
            coordinates = tuple(part.get(field) for field in fields)
            if code is not None and all(type(c) in numbers for c in coordinates):
                found.append((row, *coordinates, code))
    return found


def _part_table(project: Project, kind: str, labels: list[str]) -> tuple[np.ndarray, RegionRows]:
    """(row, *coordinates, code) per part as float64, and the rows: in SQL on PostgreSQL."""
    width = 2 + len(PART_FIELDS[kind])
    if not is_postgresql():
        base = region_rows(project)
        return np.array(_python_parts(base, kind, labels), dtype=np.float64).reshape(
            -1, width
        ), base
    base = region_rows(project, with_values=False)
    columns = part_columns(project.pk, kind, labels)
    # the annotation row of each part: rows are sorted by (item, annotator), and so are the keys
    size = len(base.annotator_ids) + 1
    row_keys = base.items * size + base.annotators
    items = np.searchsorted(base.item_ids, columns[:, 0].astype(np.int64))
    annotators = np.searchsorted(base.annotator_ids, columns[:, 1].astype(np.int64))
    rows = np.searchsorted(row_keys, items * size + annotators)
    return np.column_stack([rows, columns[:, 2:]]), base


def span_rows_load(project: Project, labels: list[str]) -> tuple[SpanAnnotations, RegionRows]:
    """The project's span annotations (cleaned) and the rows behind them."""
    parts, base = _part_table(project, "spans", labels)
    table = parts.astype(np.int64)
    data = SpanAnnotations(
        items=base.items,
        annotators=base.annotators,
        n_items=len(base.item_ids),
        annotator_names=base.names,
        labels=labels,
        span_rows=table[:, 0],
        starts=table[:, 1],
        ends=table[:, 2],
        codes=table[:, 3],
        texts=_texts(project, base.item_ids),
        groups=base.groups,
    )
    return data.clean(), base


def box_rows_load(project: Project, labels: list[str]) -> tuple[BoxAnnotations, RegionRows]:
    """The project's box annotations (boxes without area dropped) and the rows behind them."""
    table, base = _part_table(project, "boxes", labels)
    table = table[(table[:, 3] > 0) & (table[:, 4] > 0)]
    data = BoxAnnotations(
        items=base.items,
        annotators=base.annotators,
        n_items=len(base.item_ids),
        annotator_names=base.names,
        labels=labels,
        box_rows=table[:, 0].astype(np.int64),
        x=table[:, 1],
        y=table[:, 2],
        width=table[:, 3],
        height=table[:, 4],
        codes=table[:, 5].astype(np.int64),
    )
    return data, base
