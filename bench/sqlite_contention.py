"""Submits on SQLite while a project-wide refresh runs: do annotators wait for the worker?

    .venv/bin/python bench/sqlite_contention.py [--items 20000] [--submits 60]

Builds a fresh SQLite file (WAL, the embedded default's settings) with one single-label
project of ITEMS items: three quarters carry three annotations with some disagreement, the
rest wait for labels. Then times SUBMITS submits (next item + submit, as the labeling screen
does) twice: alone, and while another process runs the refresh the worker runs after an
import or settings change (review.refresh_project: every aggregate and p_wrong, then every
item's flags), started from cleared aggregates and flags so it writes them all. Prints the
median and p95 submit time of each case and how long the refresh took.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["CELERY_BROKER_URL"] = "memory://"  # submits announce drains; nothing consumes them

PROJECT = "sqlite-contention"
LABELS = ("positive", "negative", "neutral", "mixed")
ANNOTATORS = ("crowd-1", "crowd-2", "crowd-3")
PAUSE_S = 0.02
BEGUN = [0.0]  # when the refresh child started (perf_counter)  # between submits: an annotator never submits back to back


def setup_django(path: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()


def seed(n_items: int) -> int:
    """Create the schema and the project; returns the project id."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from labeling.models import Annotation, Item, Membership
    from labeling.services.projects import project_create

    call_command("migrate", verbosity=0)
    schema = {
        "kind": "single",
        "data": "text",
        "labels": [{"value": v} for v in LABELS],
        "settings": {"overlap": 3, "aggregation": "majority"},
    }
    project = project_create(name=PROJECT, schema=schema)
    users = get_user_model().objects
    crowd = [users.create(username=name) for name in ANNOTATORS]
    Membership.objects.bulk_create(Membership(project=project, user=u) for u in crowd)
    labeled = n_items * 3 // 4
    now = timezone.now()
    with transaction.atomic():
        Item.objects.bulk_create(
            (
                Item(
                    project=project,
                    external_id=f"item-{i}",
                    data={"text": f"text {i}"},
                    annotation_count=3 if i < labeled else 0,
                )
                for i in range(n_items)
            ),
            batch_size=2000,
        )
        ids = list(Item.objects.filter(project=project).order_by("pk").values_list("pk", flat=True))
        Annotation.objects.bulk_create(
            (
                Annotation(
                    project=project,
                    item_id=item_id,
                    annotator=user,
                    value={"label": LABELS[(i + j * (i % 7 == 0)) % len(LABELS)]},
                    created_at=now,
                )
                for i, item_id in enumerate(ids[:labeled])
                for j, user in enumerate(crowd)
            ),
            batch_size=3000,
        )
    return project.pk


def reset_derived(project_id: int) -> None:
    """Clear aggregates, p_wrong and flags so the next refresh rewrites them all (as after an import)."""
    from labeling.models import Item
    from review.models import Flag

    Flag.objects.filter(project_id=project_id).delete()
    Item.objects.filter(project_id=project_id).update(
        aggregate_value=None, aggregate_confidence=None, aggregate_method="", agreement=None, p_wrong=None
    )


def time_submits(project_id: int, user, count: int, until=None, pause: float = PAUSE_S) -> list[float]:
    """Seconds per next-item + submit, `count` times (or until `until()` turns false)."""
    from django.db import OperationalError

    from labeling.assignment.engine import next_item
    from labeling.models import Project
    from labeling.services import annotation_submit

    project = Project.objects.get(pk=project_id)
    times: list[float] = []
    for i in range(count):
        if until is not None and not until():
            break
        started = time.perf_counter()
        try:
            result = next_item(project=project, user=user)  # the Assignment
            if result is None:
                print(f"no items left to label after {i} submits")
                break
            annotation_submit(
                assignment_id=result.pk, user=user, value={"label": LABELS[i % 4]}, lead_time_ms=900
            )
            if until is not None and time.perf_counter() - started > 1.0:
                print(f"slow submit {i}: {time.perf_counter() - started:.1f} s at {started - BEGUN[0]:.1f} s")
        except OperationalError as error:  # "database is locked" after the busy timeout
            print(f"submit {i} failed after {time.perf_counter() - started:.1f} s: {error}", flush=True)
        times.append(time.perf_counter() - started)
        time.sleep(pause)
    return times


def summary(name: str, times: list[float]) -> None:
    if not times:
        print(f"{name:<26} no submits measured")
        return
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(
        f"{name:<26} submits {len(times):>4}  median {statistics.median(times) * 1000:8.1f} ms"
        f"  p95 {p95 * 1000:8.1f} ms  max {ordered[-1] * 1000:8.1f} ms"
    )


def refresh_only(project_id: int) -> None:
    """The child process: the worker's review.refresh_project for the project, in its two steps
    (review.services.refresh.project_refresh), timed each."""
    from review.services.agreement import project_snapshot_create
    from review.services.flags import project_flags_refresh

    holds = _time_writes()
    started = time.perf_counter()
    project_snapshot_create(project_id=project_id)
    aggregates = time.perf_counter() - started
    after = 0
    while (last := project_flags_refresh(project_id=project_id, after_id=after)) is not None:
        after = last
    total = time.perf_counter() - started
    print(f"refresh took {total:.1f} s (aggregates and p_wrong {aggregates:.1f} s, flags {total - aggregates:.1f} s)")
    for name, seconds in holds.items():
        if seconds:
            print(f"  {name}: {len(seconds)} write batches, longest {max(seconds) * 1000:.0f} ms")


def _time_writes() -> dict[str, list[float]]:
    """Wrap the refresh's batch writers to record how long each one runs (in its transaction)."""
    from labeling.services import items

    targets = [(items, "aggregates_write"), (items, "p_wrong_write")]
    try:
        from review.services import flags_batch
    except ImportError:  # before the batched flag refresh: per-item transactions, not timed
        pass
    else:
        targets.append((flags_batch, "_write_chunk"))
    holds: dict[str, list[float]] = {}
    for module, name in targets:
        original, seconds = getattr(module, name), holds.setdefault(name, [])

        def timed(*args, _original=original, _seconds=seconds, **kwargs):
            began = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                _seconds.append(time.perf_counter() - began)

        setattr(module, name, timed)
    return holds


def run(args: argparse.Namespace, path: Path) -> None:
    from django.contrib.auth import get_user_model

    from labeling.models import Membership

    started = time.perf_counter()
    project_id = seed(args.items)
    print(f"seeded {args.items:,} items in {time.perf_counter() - started:.1f} s ({path})")
    user = get_user_model().objects.create(username="bench-submitter")
    Membership.objects.create(project_id=project_id, user=user)
    time_submits(project_id, user, 3)  # warm caches and imports
    summary("alone", time_submits(project_id, user, args.submits))
    reset_derived(project_id)
    child = subprocess.Popen(
        [sys.executable, __file__, "--refresh-only", str(project_id), "--db", str(path)]
    )
    BEGUN[0] = time.perf_counter()
    time.sleep(0.5)  # let the child start its first write
    # Spread over the whole refresh (its read phase, then its writes): one submit every
    # --pause seconds until the child exits.
    during = time_submits(project_id, user, 100_000, until=lambda: child.poll() is None, pause=args.pause)
    child.wait()
    summary("during the refresh", during)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--submits", type=int, default=60)
    parser.add_argument("--pause", type=float, default=0.25, help="seconds between submits during the refresh")
    parser.add_argument("--refresh-only", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--db", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.refresh_only is not None:
        setup_django(Path(args.db))
        refresh_only(args.refresh_only)
        return
    with tempfile.TemporaryDirectory(prefix="accord-contention-") as folder:
        path = Path(folder) / "bench.sqlite3"
        setup_django(path)
        run(args, path)


if __name__ == "__main__":
    main()
