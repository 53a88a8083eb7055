"""Import/export benchmark: items/s for each and the peak memory of the processes, on PostgreSQL.

Generates N synthetic text items (fixed seed, ~200-character texts, a third with 3
annotations) into a temporary JSONL file, imports it with labeling.services.imports.import_file
(the code path of `import_items` and of import jobs), then streams the JSONL export into a
sink that only counts bytes. Each N runs in its own process, so peak RSS is per size. On
PostgreSQL a file of 1 MB or more is parsed by a forked child (labeling.importers.load.child_process):
Python CPU counts both processes, and the child's peak RSS is printed beside the parent's
(the two share pages until either writes them, so their sum overstates).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_bench .venv/bin/python bench/import_bench.py
    DATABASE_URL=... .venv/bin/python bench/import_bench.py 100000      # one size

Targets (issue 2): import >= 50,000 items/s at 1M, export >= 50,000 items/s, peak < 400 MB.
The agreement recompute that an import enqueues is not run here (it is the review app's job).
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SEED = 2024
DEFAULT_SIZES = (100_000, 1_000_000)
LABELS = ("positive", "negative", "neutral")
WORDS = ["the", "annotators", "read", "each", "sentence", "twice", "before", "they", "choose", "a", "label", "and", "the", "guideline", "says", "that", "sarcasm", "counts", "as", "negative", "unless", "the", "author", "clearly", "jokes", "about", "themselves", "while", "product", "names", "and", "prices", "are", "neutral", "facts", "that", "carry", "no", "opinion", "at", "all"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_peak_mb() -> float:
    """Peak RSS of the largest finished child: the import's parsing process (labeling.importers.load.child_process)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process (all threads) and of its finished children (the parsing process);
    on a shared machine it says more than wall time."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def load() -> str:
    return "load average " + " ".join(f"{value:.1f}" for value in os.getloadavg())


def generate(path: Path, count: int) -> None:
    """Write `count` JSONL items; every third one carries three annotations."""
    rng = random.Random(SEED)
    started = time.perf_counter()
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            words: list[str] = []
            while sum(len(w) + 1 for w in words) < 200:
                words.append(rng.choice(WORDS))
            line: dict[str, object] = {"id": f"item-{index}", "data": {"text": " ".join(words)[:200]}}
            if index % 3 == 0:
                names = rng.sample(range(50), 3)
                line["annotations"] = [
                    {"annotator": f"bench-annotator-{n}", "value": {"label": rng.choice(LABELS)}, "lead_time_ms": rng.randint(500, 9000)}
                    for n in names
                ]
            out.write(json.dumps(line) + "\n")
        # Written back now, not by the kernel during the measured import.
        out.flush()
        os.fsync(out.fileno())
    print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)


class CountingSink:
    """A /dev/null that counts what was written."""

    def __init__(self) -> None:
        self.chars = 0

    def write(self, text: str) -> None:
        self.chars += len(text)


def run_one(count: int) -> None:
    import django

    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        from pg_setup import database_create

        database_create(os.environ["DATABASE_URL"])  # a fresh bench database on the first run
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from labeling import events
    from labeling.services.exports import export_stream
    from labeling.services.imports import import_file
    from tests.factories import SINGLE_SCHEMA

    if connection.vendor != "postgresql":
        print("warning: DATABASE_URL is not PostgreSQL; the figures are not comparable")
    call_command("migrate", verbosity=0)
    events.enqueue = lambda name, args, **options: None  # no broker needed; the review app is not measured
    from labeling.models import Project

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "items.jsonl"
        generate(path, count)
        size_mb = path.stat().st_size / 1024**2
        project = Project.objects.create(name=f"bench {count} {time.time_ns()}", schema=SINGLE_SCHEMA)
        print(f"{count:,} items, file {size_mb:.0f} MB, peak before import {peak_mb():.0f} MB")
        quiesce()
        started, cpu = time.perf_counter(), cpu_seconds()
        counts = import_file(project=project, path=path)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        print(
            f"import: {counts.items:,} items + {counts.annotations:,} annotations in {seconds:.1f} s = "
            f"{counts.items / seconds:,.0f} items/s (Python CPU {cpu:.1f} s); peak RSS {peak_mb():.0f} MB "
            f"+ parsing process {child_peak_mb():.0f} MB; {load()}"
        )
    sink = CountingSink()
    started, cpu = time.perf_counter(), cpu_seconds()
    for chunk in export_stream(project=project, fmt="jsonl"):
        sink.write(chunk)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    print(
        f"export: {count:,} items ({sink.chars / 1024**2:.0f} MB) in {seconds:.1f} s = {count / seconds:,.0f} items/s "
        f"(Python CPU {cpu:.1f} s); peak RSS {peak_mb():.0f} MB; {load()}"
    )
    cleanup(project.pk)


def quiesce() -> None:
    """CHECKPOINT before the import, so pages the last run's cleanup dirtied are written now and
    not by a checkpoint inside the measured import (skipped without the privilege)."""
    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError as error:
        print(f"no CHECKPOINT before the import ({error.__class__.__name__})")


def cleanup(project_id: int) -> None:
    """Delete the bench project with plain SQL (the ORM's cascade would load every row)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("labeling_annotation", "labeling_prediction", "labeling_item", "labeling_auditentry"):
            cursor.execute(f"DELETE FROM {table} WHERE project_id = %s", [project_id])  # noqa: S608
        for table in ("labeling_membership", "labeling_projectcount"):  # rows the import made
            cursor.execute(f"DELETE FROM {table} WHERE project_id = %s", [project_id])  # noqa: S608
        cursor.execute("DELETE FROM labeling_project WHERE id = %s", [project_id])
    # Autovacuum may be off (it is on the benchmark machine): without this, every run leaves
    # millions of dead rows in the tables and their indexes, and each later run gets slower.
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM labeling_item, labeling_annotation, labeling_prediction, labeling_auditentry")


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or list(DEFAULT_SIZES)
    if len(sizes) == 1:
        run_one(sizes[0])
        return
    for size in sizes:
        subprocess.run([sys.executable, __file__, str(size)], check=True)


if __name__ == "__main__":
    main()
