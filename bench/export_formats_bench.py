"""Export formats benchmark: items/s and peak Python memory of each format export, on PostgreSQL.

Creates a spans project and a boxes project of N generated items each (a ~200-character text
with three spans, or a 640x480 image with three boxes; every item settled, and every item with
two annotations), then streams each format (jsonl for reference, label_studio, conll, spacy;
coco, yolo) into a sink that only counts bytes. Peak memory is tracemalloc's peak of Python
allocations during a second run of the export (flat when the export streams; compare two sizes).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_bench .venv/bin/python bench/export_formats_bench.py
    DATABASE_URL=... .venv/bin/python bench/export_formats_bench.py 20000 80000
"""

from __future__ import annotations

import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SEED = 2024
DEFAULT_SIZES = (20_000, 80_000)
WORDS = ["annotators", "read", "each", "sentence", "before", "they", "mark", "Paris", "Acme", "Ann", "Lee"]
FORMATS = {"spans": ("jsonl", "label_studio", "conll", "spacy"), "boxes": ("jsonl", "coco", "yolo")}


def text_and_spans(rng: random.Random) -> tuple[str, list[dict[str, object]]]:
    words = [rng.choice(WORDS) for _ in range(30)]
    text = " ".join(words)
    starts = [sum(len(w) + 1 for w in words[:i]) for i in (2, 10, 20)]
    spans = [{"start": s, "end": s + len(words[i]), "label": rng.choice(["PER", "ORG", "LOC"])} for s, i in zip(starts, (2, 10, 20), strict=True)]
    return text, spans


def boxes(rng: random.Random) -> list[dict[str, object]]:
    return [{"x": rng.randint(0, 500), "y": rng.randint(0, 400), "width": 40, "height": 30, "label": rng.choice(["car", "person"])} for _ in range(3)]


def fill(kind: str, count: int) -> object:
    """A project of `count` settled items with two annotations each, made with bulk inserts."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from labeling.models import Annotation, Item, Project
    from tests.factories_export import BOXES_SCHEMA, SPANS_SCHEMA

    rng = random.Random(SEED)
    project = Project.objects.create(name=f"export bench {kind} {time.time_ns()}", schema=SPANS_SCHEMA if kind == "spans" else BOXES_SCHEMA)
    users = [get_user_model().objects.get_or_create(username=f"export-bench-{n}")[0] for n in range(2)]
    now = timezone.now()
    for first in range(0, count, 5000):
        rows = []
        for n in range(first, min(count, first + 5000)):
            if kind == "spans":
                text, spans = text_and_spans(rng)
                rows.append(Item(project=project, external_id=f"i{n}", data={"text": text}, final_value={"spans": spans}))
            else:
                rows.append(Item(project=project, external_id=f"i{n}", data={"image": f"img/{n}.jpg"}, width=640, height=480, final_value={"boxes": boxes(rng)}))
        items = Item.objects.bulk_create(rows)
        Annotation.objects.bulk_create(
            Annotation(item=item, project=project, annotator=user, value=item.final_value, created_at=now) for item in items for user in users
        )
    return project


def measure(project: object, fmt: str, count: int) -> None:
    """Time one export, then run it again under tracemalloc for its peak (tracing slows it)."""
    from labeling.services.exports import export_stream

    started = time.perf_counter()
    size = sum(len(chunk) for chunk in export_stream(project=project, fmt=fmt))
    seconds = time.perf_counter() - started
    tracemalloc.start()
    for _ in export_stream(project=project, fmt=fmt):
        pass
    peak = tracemalloc.get_traced_memory()[1] / 1024**2
    tracemalloc.stop()
    print(
        f"{fmt}: {count:,} items ({size / 1024**2:.1f} MB) in {seconds:.2f} s = {count / seconds:,.0f} items/s; "
        f"peak Python memory {peak:.1f} MB",
        flush=True,
    )


def cleanup(project_id: int) -> None:
    """Delete the bench project with plain SQL (the ORM's cascade would load every row)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("labeling_annotation", "labeling_prediction", "labeling_item"):
            cursor.execute(f"DELETE FROM {table} WHERE project_id = %s", [project_id])  # noqa: S608
        cursor.execute("DELETE FROM labeling_project WHERE id = %s", [project_id])


def main() -> None:
    from pg_setup import django_on_postgres

    django_on_postgres()
    sizes = [int(arg) for arg in sys.argv[1:]] or list(DEFAULT_SIZES)
    for count in sizes:
        for kind, formats in FORMATS.items():
            project = fill(kind, count)
            print(f"{kind} project, {count:,} items", flush=True)
            for fmt in formats:
                measure(project, fmt, count)
            cleanup(project.pk)


if __name__ == "__main__":
    main()
