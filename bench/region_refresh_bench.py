"""What a refresh costs on a spans and a boxes project: aggregates, p_wrong and flags.

Seeds one spans project and one boxes project of --items items each, 3 annotators per item
from a pool of 30, with the generated annotations of spans_boxes_bench.py (texts of 20-60
words with 0-3 entity spans; 1000x750 pictures with 0-4 boxes). Then times, per project,
the steps of review.services.refresh.project_refresh (what `refresh_flags --wait`, a
settings save and an import run):
- load + aggregate + p_wrong (review.services.region_aggregates.project_region_run, no write);
- the project run (project_snapshot_create: the above plus the report and the writes);
- the flag refresh over every batch of items.
SQLite in a temporary folder by default; --postgres uses DATABASE_URL (created if missing,
the bench projects replaced on each run).

    .venv/bin/python bench/region_refresh_bench.py [--items 10000] [--postgres] [--kinds spans,boxes]
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from spans_boxes_bench import LABELS, generated_boxes, generated_spans

BATCH = 5000


def django_setup(postgres: bool) -> None:
    """PostgreSQL from DATABASE_URL, or a fresh SQLite file in a temporary folder; migrated."""
    if postgres:
        from pg_setup import django_on_postgres

        django_on_postgres()
        return
    folder = Path(tempfile.mkdtemp(prefix="region-refresh-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def seed(kind: str, n_items: int):
    """A fresh bench project of `kind` with the generated annotations; returns it."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from labeling.models import Annotation, Item, Project

    name = f"region-refresh-bench-{kind}"
    Project.objects.filter(name=name).delete()
    schema = {
        "kind": kind,
        "data": "text" if kind == "spans" else "image",
        "labels": [{"value": label} for label in LABELS],
        "settings": {"overlap": 3, "aggregation": "auto"},
    }
    project = Project.objects.create(name=name, schema=schema, overlap=3)
    if kind == "spans":
        annotations, texts = generated_spans(n_items)
    else:
        annotations, texts = generated_boxes(n_items), {}
    users = get_user_model().objects
    pool = {f"a{n}": users.get_or_create(username=f"bench-region-a{n}")[0] for n in range(30)}
    data = [{"text": texts[u]} if texts else {"image": f"{u}.png"} for u in range(n_items)]
    items = Item.objects.bulk_create(
        (Item(project=project, external_id=f"b-{u}", data=data[u]) for u in range(n_items)),
        batch_size=BATCH,
    )
    now, key = timezone.now(), kind
    rows = [
        Annotation(project=project, item=items[u], annotator=pool[name], value={key: parts},
                   created_at=now)
        for u, labelled in annotations.items()
        for name, parts in labelled
    ]  # fmt: skip
    Annotation.objects.bulk_create(rows, batch_size=BATCH)
    return project


def timed(label: str, func):
    """Run once; print wall-clock and CPU seconds; return (seconds, result)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = func()
    seconds = time.perf_counter() - start
    print(f"  {label:<44} {seconds:7.2f} s wall  {time.process_time() - cpu:7.2f} s CPU")
    return seconds, result


def measure(kind: str, n_items: int) -> float:
    """Seed, then time the refresh steps of one project; returns the refresh's seconds."""
    from labeling.models import Item
    from review.models import Flag
    from review.services.agreement import project_snapshot_create
    from review.services.flags import project_flags_refresh
    from review.services.region_aggregates import project_region_run

    _, project = timed(
        f"{kind}: seed {n_items:,} items x 3 annotations", lambda: seed(kind, n_items)
    )
    print(f"{kind}: {n_items:,} items, {project.annotations.count():,} annotations")
    timed("load + aggregate + p_wrong (no write)", lambda: project_region_run(project))
    run, _ = timed("project run (report, aggregates, p_wrong)",
                   lambda: project_snapshot_create(project_id=project.pk))  # fmt: skip

    def flags() -> int:
        batches, after = 0, 0
        while (last := project_flags_refresh(project_id=project.pk, after_id=after)) is not None:
            batches, after = batches + 1, last
        return batches

    flag_seconds, batches = timed("flag refresh (every batch)", flags)
    stored = Item.objects.filter(project=project, aggregate_value__isnull=False)
    method = stored.values_list("aggregate_method", flat=True).first()
    print(f"  aggregates stored {stored.count():,} ({method}); flag batches {batches}; "
          f"open flags {Flag.objects.filter(project=project).count():,}")  # fmt: skip
    print(f"{kind}: refresh (project run + flags) {run + flag_seconds:.2f} s for {n_items:,} items")
    return run + flag_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="use DATABASE_URL (PostgreSQL)")
    parser.add_argument("--kinds", default="spans,boxes", help="comma-separated: spans, boxes")
    args = parser.parse_args()
    django_setup(args.postgres)
    for kind in args.kinds.split(","):
        measure(kind.strip(), args.items)


if __name__ == "__main__":
    main()
