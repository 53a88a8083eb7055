"""Agreement benchmark: prints seconds for the full report, for alpha alone, and the krippendorff package.

Phase A (default): synthetic numpy data, 200,000 items x 5 annotators drawn
from 20, 20% of the labels missing, nominal, 5 labels.
Phase B (--postgres): the same 1,000,000 annotation rows are written to a
PostgreSQL project first, then read back through review.services and reported.

    .venv/bin/python bench/agreement_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_agree .venv/bin/python bench/agreement_bench.py --postgres
    .venv/bin/python bench/agreement_bench.py --items 200             # a quick smoke run
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review.metrics.alpha import krippendorff_alpha
from review.metrics.inputs import Annotations, SchemaSpec
from review.metrics.report import build_report
from review.metrics.tables import count_table

N_ITEMS = 200_000
PER_ITEM = 5
POOL = 20
MISSING = 0.2
LABELS = ["a", "b", "c", "d", "e"]
SEED = 42


def synthetic(n_items: int = N_ITEMS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(items, annotators, codes): 5 distinct annotators of 20 per item, 20% dropped, 70% accurate."""
    rng = np.random.default_rng(SEED)
    annotators = np.argsort(rng.random((n_items, POOL)), axis=1)[:, :PER_ITEM].ravel()
    items = np.repeat(np.arange(n_items), PER_ITEM)
    truth = rng.integers(0, len(LABELS), n_items)
    noise = rng.integers(0, len(LABELS), n_items * PER_ITEM)
    codes = np.where(rng.random(n_items * PER_ITEM) < 0.7, truth[items], noise)
    keep = rng.random(n_items * PER_ITEM) >= MISSING
    return items[keep], annotators[keep], codes[keep]


def timed(label: str, func, repeat: int = 3):
    """Best of ``repeat`` wall-clock runs; prints and returns (seconds, result)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<46} {best:8.3f} s")
    return best, result


def bench_arrays(items: np.ndarray, annotators: np.ndarray, codes: np.ndarray) -> None:
    """Time the full report, our alpha, and the krippendorff package on the same matrix."""
    n_items = int(items.max()) + 1
    data = Annotations(items, annotators, codes, n_items, [f"annotator{a}" for a in range(POOL)])
    schema = SchemaSpec("single", labels=LABELS)
    _, report = timed(
        "full report (all metrics, 1000 bootstrap)", lambda: build_report(data, schema), 1
    )
    ours, alpha = timed(
        "alpha alone (long form -> counts -> alpha)",
        lambda: krippendorff_alpha(count_table(items, codes, n_items, len(LABELS))).value,
    )
    matrix = np.full((POOL, n_items), np.nan)
    matrix[annotators, items] = codes
    theirs, reference = timed(
        "krippendorff package (reliability matrix)",
        lambda: krippendorff.alpha(matrix, level_of_measurement="nominal"),
    )
    print(
        f"alpha ours {alpha:.6f} package {reference:.6f}; report alpha {report['krippendorff_alpha']['nominal']}"
    )
    print(f"ratio ours / package: {ours / theirs:.3f} (target <= 1.2)")


def _copy_text(value: object) -> str:
    """One value in PostgreSQL COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = (
        value
        if isinstance(value, str)
        else json.dumps(value)
        if isinstance(value, dict | list)
        else str(value)
    )
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _prepared(field: Any, value: object, connection: Any) -> object:
    """A field's value as COPY needs it (JSON as text, not a psycopg adapter)."""
    if field.get_internal_type() == "JSONField":
        return None if value is None and field.null else json.dumps(value)
    if value is None and (
        getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ):
        from django.utils import timezone

        value = timezone.now()
    return field.get_db_prep_save(value, connection)


def copied_fields(model: type, template: object, varying: dict[str, list[str]]) -> list[Any]:
    """The fields COPY writes: every concrete non-pk field except those left to the database.

    A field with a db_default that the template did not set holds a DatabaseDefault
    expression, which the ORM turns into DEFAULT; COPY cannot, so the column is left out
    and PostgreSQL fills it (writing the expression's text crashed the --postgres run).
    """
    from django.db.models.expressions import DatabaseDefault

    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key
        and (f.column in varying or not isinstance(getattr(template, f.attname), DatabaseDefault))
    ]


def copy_rows(model: type, template: object, varying: dict[str, list[str]]) -> None:
    """COPY rows of ``model``: ``varying`` columns per row, every other column from ``template``.

    Taking the constant columns from a model instance keeps this working when
    fields are added (their defaults come along).
    """
    from django.db import connection

    fields = copied_fields(model, template, varying)
    columns = [f.column for f in fields]
    constant = {
        f.column: _copy_text(_prepared(f, getattr(template, f.attname), connection))
        for f in fields
        if f.column not in varying
    }
    n = len(next(iter(varying.values())))
    parts = [varying[c] if c in varying else [constant[c]] * n for c in columns]
    buffer = io.StringIO("\n".join("\t".join(row) for row in zip(*parts, strict=True)) + "\n")
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN", buffer
        )


def load_project(items: np.ndarray, annotators: np.ndarray, codes: np.ndarray) -> int:
    """Write a project, POOL users, the items and the annotations; return the project id."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from labeling.models import Annotation, Item, Project

    now = timezone.now()
    schema = {"kind": "single", "data": "text", "labels": [{"value": v} for v in LABELS]}
    project = Project.objects.create(name=f"bench-agreement-{now.timestamp():.0f}", schema=schema)
    users = [
        get_user_model().objects.get_or_create(username=f"bench-annotator{a}")[0]
        for a in range(POOL)
    ]
    n_items = int(items.max()) + 1
    item_template = Item(project=project, external_id="", data={}, created_at=now)
    copy_rows(
        Item,
        item_template,
        {
            "external_id": [f"bench-{i}" for i in range(n_items)],
            "data": [json.dumps({"text": f"item {i}"}) for i in range(n_items)],
        },
    )
    item_ids = np.array(
        Item.objects.filter(project=project).order_by("external_id").values_list("id", flat=True)
    )
    order = np.argsort(np.array([f"bench-{i}" for i in range(n_items)]))
    ids_by_index = np.empty(n_items, dtype=np.int64)
    ids_by_index[order] = item_ids
    values = [json.dumps({"label": label}) for label in LABELS]
    user_ids = np.array([u.pk for u in users])
    template = Annotation(project=project, value={}, created_at=now, annotator=users[0], item_id=0)
    copy_rows(
        Annotation,
        template,
        {
            "item_id": ids_by_index[items].astype(str).tolist(),
            "annotator_id": user_ids[annotators].astype(str).tolist(),
            "value": [values[c] for c in codes.tolist()],
        },
    )
    return project.pk


def bench_postgres(items: np.ndarray, annotators: np.ndarray, codes: np.ndarray) -> None:
    """Load the rows into PostgreSQL, then time reading them back and the report."""
    from pg_setup import django_on_postgres

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django_on_postgres()  # refuses anything but PostgreSQL; creates and migrates the database
    from labeling.models import Project
    from review.loaders.annotations import project_data
    from review.services import project_report

    _, project_id = timed(
        "load into PostgreSQL (COPY)", lambda: load_project(items, annotators, codes), 1
    )
    project = Project.objects.get(pk=project_id)
    _, data = timed("read annotations from the DB (codes in SQL)", lambda: project_data(project), 1)
    print(f"rows read: {len(data.annotations.items)}")
    timed("DB read + full report (project_report)", lambda: project_report(project=project), 1)

    def read_and_alpha() -> float | None:
        fresh = project_data(project).annotations
        return krippendorff_alpha(
            count_table(fresh.items, fresh.codes, fresh.n_items, len(LABELS))
        ).value

    timed("DB read + alpha", read_and_alpha, 1)
    bench_arrays(data.annotations.items, data.annotations.annotators, data.annotations.codes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--postgres", action="store_true", help="load the rows into PostgreSQL first"
    )
    parser.add_argument("--items", type=int, default=N_ITEMS, help="items (250000 gives ~1M rows)")
    args = parser.parse_args()
    items, annotators, codes = synthetic(args.items)
    print(
        f"{args.items} items, {len(items)} annotations, {POOL} annotators, nominal, {len(LABELS)} labels"
    )
    if args.postgres:
        bench_postgres(items, annotators, codes)
        return
    bench_arrays(items, annotators, codes)


if __name__ == "__main__":
    main()
