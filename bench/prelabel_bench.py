"""Pre-labeling benchmark: items/s with 1 and 2 Celery workers (TF-IDF, Redis, PostgreSQL).

Seeds a project of --items text items (default 100,000; texts from ../shared/datasets/
stanford_politeness when present, else synthetic) with 2,000 aggregated labels, fits the TF-IDF
model once (timed separately), then for each worker count: clears predictions, starts that many
worker subprocesses (solo pool) on a private queue, runs one job over all items and times it
from enqueue to status "done". Prints one line per run and a JSON summary.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_prelabel_bench \\
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/prelabel_bench.py
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/accord_prelabel_bench")
QUEUE = "accord-prelabel-bench"
LABELED = 2_000
POLITENESS = ROOT.parent / "shared" / "datasets" / "stanford_politeness"
WORKER_MAIN = f"""
import django
django.setup()
from config.celery import app
app.conf.task_default_queue = {QUEUE!r}
app.conf.task_routes = {{"*": {{"queue": {QUEUE!r}}}}}  # every task to the private queue
app.worker_main(["worker", "-Q", {QUEUE!r}, "--pool=solo", "--loglevel=WARNING",
                 "--without-heartbeat", "--without-gossip", "--without-mingle"])
"""


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    return parser.parse_args()


def ensure_database() -> None:
    """Create the benchmark database if it does not exist yet."""
    import psycopg2

    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password or None, dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def source_texts() -> list[tuple[str, str]]:
    """(text, label) pairs: politeness requests binned by score, or synthetic sentences."""
    pairs = []
    for path in sorted(POLITENESS.glob("*.annotated.csv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                score = float(row["Normalized Score"])
                label = "positive" if score > 0.5 else "negative" if score < -0.5 else "neutral"
                pairs.append((row["Request"], label))
    if pairs:
        return pairs
    words = {"positive": "thanks great please kindly appreciate", "negative": "wrong bad why stop never",
             "neutral": "the edit page article link section"}
    rng = random.Random(1)
    return [
        (" ".join(rng.choices(words[label].split(), k=12)), label)
        for label in rng.choices(list(words), k=5000)
    ]


def seed(n_items: int) -> int:
    """A fresh project with n_items items, the first LABELED of them with aggregated labels."""
    from labeling.models import Item, Project
    from tests.factories import SINGLE_SCHEMA

    pairs = source_texts()
    project = Project.objects.create(name=f"prelabel-bench-{time.time_ns()}", schema=SINGLE_SCHEMA)
    batch = []
    for index in range(n_items):
        text, label = pairs[index % len(pairs)]
        labeled = index < LABELED
        batch.append(Item(
            project=project, external_id=f"b{index}", data={"text": f"{text} #{index}"},
            annotation_count=3 if labeled else 0,
            aggregate_value={"label": label} if labeled else None,
        ))
        if len(batch) == 5000:
            Item.objects.bulk_create(batch)
            batch = []
    Item.objects.bulk_create(batch)
    return project.pk


def start_workers(count: int, media: Path) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "CELERY_BROKER_URL": os.environ["REDIS_URL"], "MEDIA_ROOT": str(media),
           "CELERY_TASK_ALWAYS_EAGER": "false"}
    return [
        subprocess.Popen([sys.executable, "-c", WORKER_MAIN], cwd=ROOT, env=env,
                         start_new_session=True, stdout=subprocess.DEVNULL)
        for _ in range(count)
    ]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=30)


def run_job(project_id: int, workers: int, media: Path) -> dict[str, float]:
    """Time one job over every item of the project with `workers` worker processes."""
    from config.celery import app
    from labeling.models import JobStatus, Prediction, PrelabelJob, Project
    from labeling.services import prelabel as service

    project = Project.objects.get(pk=project_id)
    Prediction.objects.filter(project=project).delete()
    processes = start_workers(workers, media)
    try:
        time.sleep(6)  # let the workers connect before the clock starts
        job = service.prelabel_job_create(project=project, user=None, item_filter={"scope": "all"})
        started = time.perf_counter()
        with app.connection_for_write(os.environ["REDIS_URL"]) as broker:
            app.send_task(service.RUN_TASK, args=[job.pk], queue=QUEUE, connection=broker)
        while PrelabelJob.objects.get(pk=job.pk).status in (JobStatus.PENDING, JobStatus.RUNNING):
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    finally:
        stop_workers(processes)
    job.refresh_from_db()
    written = Prediction.objects.filter(project=project, model_version=job.model_version).count()
    return {"workers": workers, "items": job.total, "predictions": written, "status": job.status,
            "seconds": round(elapsed, 2), "items_per_s": round(job.total / elapsed, 1)}


def main() -> None:
    args = arguments()
    ensure_database()
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from labeling.models import Project
    from labeling.prelabel import versions

    media = Path(settings.MEDIA_ROOT)
    project_id = seed(args.items)
    began = time.perf_counter()
    version = versions.model_version_train(project=Project.objects.get(pk=project_id), backend="tfidf")
    fit = round(time.perf_counter() - began, 2)
    print(f"seeded {args.items} items; fitted {version.version} on {version.trained_on} labels "
          f"in {fit} s (cv accuracy {version.cv_accuracy})")
    results = []
    for workers in args.workers:
        result = run_job(project_id, workers, media)
        results.append(result)
        print(f"{workers} worker(s): {result['items']} items in {result['seconds']} s = "
              f"{result['items_per_s']} items/s ({result['predictions']} predictions, {result['status']})")
    print(json.dumps({"fit_seconds": fit, "cv_accuracy": version.cv_accuracy, "runs": results}))


if __name__ == "__main__":
    main()
