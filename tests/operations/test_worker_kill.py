"""Kill -9 a worker's whole process group mid pre-label job on Redis, start another: the job
finishes within a minute with exactly one prediction per item (issue 18).

Unlike tests/test_prelabel_worker.py, the broker's visibility timeout stays at its production
value (the task time limit plus a minute), so the killed worker's unacknowledged batch does not
come back during the test: only the stalled-job sweep (Celery beat, embedded in the second
worker with -B) can finish the job, by requeueing it once its heartbeat is
ACCORD_JOB_STALL_SECONDS old. Needs PostgreSQL and Redis: skips without them, fails in CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
import warnings
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count

from config.celery import app as celery_app
from labeling.models import JobStatus, Prediction
from labeling.services import prelabel as service
from tests.conftest import require_service
from tests.factories_prelabel import labeled_items, unlabeled_items
from tests.operations.conftest import ACCESS_KEY, REGION, SECRET_KEY, s3_client
from tests.test_prelabel_worker import database_url, job_state, kill, redis_available, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/7"
QUEUE = f"accord-kill-test-{os.getpid()}"
ITEMS, BATCH, BATCH_DELAY, STALL_S = 40, 5, 0.4, 10

WORKER_MAIN = """
import os, time
import django
django.setup()
from config.celery import app
from labeling.services import prelabel
prelabel.BATCH_SIZE = int(os.environ["KILL_TEST_BATCH"])
delay = float(os.environ["KILL_TEST_DELAY"])
run_batch = prelabel.prelabel_batch_run
def slow_batch(**kwargs):
    time.sleep(delay)
    return run_batch(**kwargs)
prelabel.prelabel_batch_run = slow_batch
queue = os.environ["KILL_TEST_QUEUE"]
app.conf.task_default_queue = queue
app.conf.task_routes = {"*": {"queue": queue}}
app.conf.beat_schedule = {"sweep": {"task": "labeling.sweep_stalled_jobs", "schedule": 1.0}}
beat = ["-B"] if os.environ.get("KILL_TEST_BEAT") else []
app.worker_main(["worker", *beat, "-Q", queue, "--pool=solo", "--loglevel=WARNING",
                 "--without-heartbeat", "--without-gossip", "--without-mingle"])
"""


def s3_environment(endpoint: str) -> dict[str, str]:
    """AWS_* variables for a new bucket on the loopback moto server."""
    bucket = f"accord-kill-{uuid.uuid4().hex[:10]}"
    s3_client(endpoint).create_bucket(Bucket=bucket)
    return {
        "AWS_STORAGE_BUCKET_NAME": bucket, "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_S3_REGION_NAME": REGION,
    }


def start_worker(tmp_path: Path, name: str, *, beat: bool, s3: dict[str, str]) -> subprocess.Popen:
    var = tmp_path / f"var-{name}"  # each worker its own disk (var dir, MEDIA_ROOT); one bucket
    env = {
        **s3,
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "ACCORD_VAR_DIR": str(var),
        "MEDIA_ROOT": str(var / "media"),
        "ACCORD_JOB_STALL_SECONDS": str(STALL_S),
        "KILL_TEST_QUEUE": QUEUE,
        "KILL_TEST_BATCH": str(BATCH),
        "KILL_TEST_DELAY": str(BATCH_DELAY),
        "KILL_TEST_BEAT": "1" if beat else "",
    }
    var.mkdir()
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", WORKER_MAIN],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )


def test_a_job_whose_worker_was_killed_is_requeued_by_the_sweep_and_finishes(
    project, lead, tmp_path, s3_endpoint
):
    require_service(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")
    require_service(redis_available(), f"needs Redis at {REDIS_URL}")
    # The model worker1 trains is read by worker2 from the bucket, not from worker1's disk.
    s3 = s3_environment(s3_endpoint)
    labeled_items(project)
    items = unlabeled_items(project, ITEMS)
    job = service.prelabel_job_create(project=project, user=lead)
    workers = [start_worker(tmp_path, "worker1", beat=False, s3=s3)]
    try:
        with celery_app.connection_for_write(REDIS_URL) as broker, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            celery_app.send_task(service.RUN_TASK, args=[job.pk], queue=QUEUE, connection=broker)
        started = wait_for(lambda: 0 < job_state(job.pk).done < ITEMS - 2 * BATCH, timeout=45)
        assert started, (tmp_path / "worker1.log").read_text()[-2000:]

        kill(workers[0])  # SIGKILL to the whole process group
        killed_at, done_at_kill = time.monotonic(), job_state(job.pk).done
        workers.append(start_worker(tmp_path, "worker2", beat=True, s3=s3))
        finished = wait_for(lambda: job_state(job.pk).status == JobStatus.DONE, timeout=60)
        took = time.monotonic() - killed_at

        assert finished, (tmp_path / "worker2.log").read_text()[-3000:]
    finally:
        for worker in workers:
            kill(worker)
        import redis

        redis.Redis.from_url(REDIS_URL).delete(QUEUE)
    print(f"kill test: {done_at_kill}/{ITEMS} done at the kill; finished {took:.1f} s after it")  # noqa: T201
    final = job_state(job.pk)
    per_item = Prediction.objects.filter(model_version=final.model_version).values("item").annotate(n=Count("id"))
    assert done_at_kill < ITEMS
    assert took < 60
    assert (final.done, final.total) == (ITEMS, ITEMS)
    assert {row["item"]: row["n"] for row in per_item} == {item.pk: 1 for item in items}
