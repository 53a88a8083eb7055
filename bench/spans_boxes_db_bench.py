"""Span and box agreement through the database: the project report as the project run builds it.

The same generated data as spans_boxes_bench.py (33,334 items x 3 annotators = 100,002
annotations per kind) is written to a PostgreSQL spans project and a boxes project with COPY,
then timed: reading the annotations back (review.loaders.regions), the full project report
(review.services.project_report: read + report + kappa pairs + groups), and the project run
that stores it (project_snapshot_create). Best of --repeat runs; wall-clock and CPU seconds.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_spans .venv/bin/python \\
        bench/spans_boxes_db_bench.py [--items 33334] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from spans_boxes_bench import LABELS, POOL, generated_boxes, generated_spans, timed


def _load(kind: str, annotations: dict[int, list], data: dict[int, dict[str, Any]]) -> Any:
    """A project of ``kind`` with the items and annotations written by COPY; returns it."""
    from agreement_bench import copy_rows
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from labeling.models import Annotation, Item, Project

    now = timezone.now()
    schema = {"kind": kind, "data": "text" if kind == "spans" else "image"}
    schema["labels"] = [{"value": label} for label in LABELS]
    project = Project.objects.create(name=f"bench-{kind}-{now.timestamp():.0f}", schema=schema)
    users = {
        f"a{a}": get_user_model().objects.get_or_create(username=f"bench-{kind}-a{a}")[0].pk
        for a in range(POOL)
    }
    keys = list(annotations)
    copy_rows(
        Item,
        Item(project=project, external_id="", data={}, created_at=now),
        {
            "external_id": [f"bench-{u:08d}" for u in keys],
            "data": [json.dumps(data[u]) for u in keys],
        },
    )
    ids = dict(Item.objects.filter(project=project).values_list("external_id", "id"))
    rows = [
        (ids[f"bench-{u:08d}"], users[name], value) for u in keys for name, value in annotations[u]
    ]
    copy_rows(
        Annotation,
        Annotation(project=project, value={}, created_at=now, annotator_id=users["a0"], item_id=0),
        {
            "item_id": [str(item) for item, _, _ in rows],
            "annotator_id": [str(user) for _, user, _ in rows],
            "value": [json.dumps({kind: value}) for _, _, value in rows],
        },
    )
    return project


def _bench(kind: str, project: Any, repeat: int) -> float:
    """Time read, report and the stored project run of one project; return the report's seconds."""
    from review.loaders.regions import box_rows_load, span_rows_load
    from review.services import project_report, project_snapshot_create

    labels = list(LABELS)
    read = span_rows_load if kind == "spans" else box_rows_load
    timed(f"{kind}: read annotations from the DB", lambda: read(project, labels), repeat)
    seconds, (report, _, _) = timed(
        f"{kind}: DB read + full report (project_report)",
        lambda: project_report(project=project),
        repeat,
    )
    timed(
        f"{kind}: project run, snapshot stored",
        lambda: project_snapshot_create(project_id=project.pk),
        1,
    )
    f1 = report["span_f1"]["overlap"] if kind == "spans" else report["box_f1"]["labelled"]
    print(
        f"{kind}: {report['annotations']:,} annotations, alpha {report['krippendorff_alpha']['nominal']}, "
        f"F1 {f1}, {len(report['cohen_kappa_pairs'])} kappa pairs"
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=33_334)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from pg_setup import django_on_postgres

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django_on_postgres()  # refuses anything but PostgreSQL; creates and migrates the database
    spans, texts = generated_spans(args.items)
    boxes = generated_boxes(args.items)
    images = {u: {"image": f"images/{u}.png"} for u in boxes}
    _, span_project = timed(
        "spans: load into PostgreSQL (COPY)",
        lambda: _load("spans", spans, {u: {"text": t} for u, t in texts.items()}),
        1,
    )
    _, box_project = timed(
        "boxes: load into PostgreSQL (COPY)", lambda: _load("boxes", boxes, images), 1
    )
    total = _bench("spans", span_project, args.repeat) + _bench("boxes", box_project, args.repeat)
    print(f"spans + boxes from the database: {total:.3f} s (target < 5 s)")


if __name__ == "__main__":
    main()
