"""A real Celery worker on Redis against PostgreSQL: kill it mid-job, start another, and the job
still finishes with exactly one prediction per item (acks_late + idempotent batches).

Not eager: the worker is a subprocess pointed at this test's database (transactional test, so
rows are committed and visible to it) and at a queue of its own, so nothing else consumes the
messages. Needs Redis and PostgreSQL: skips on a developer machine without them, fails in CI.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from config.celery import app as celery_app
from labeling.models import JobStatus, Prediction, PrelabelJob
from labeling.services import prelabel as service
from tests.conftest import require_service
from tests.factories_prelabel import labeled_items, unlabeled_items

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/7"
QUEUE = f"accord-prelabel-test-{os.getpid()}"
ITEMS, BATCH, BATCH_DELAY = 40, 5, 0.4

# Runs in the worker subprocess: small slow batches (so the kill lands mid-job), a private
# queue, and a short visibility timeout so the killed worker's unacked batch comes back soon.
WORKER_MAIN = """
import os, sys, time
import django
django.setup()
from config.celery import app
from labeling.services import prelabel
prelabel.BATCH_SIZE = int(os.environ["PRELABEL_TEST_BATCH"])
delay = float(os.environ["PRELABEL_TEST_DELAY"])
run_batch = prelabel.prelabel_batch_run
def slow_batch(**kwargs):
    time.sleep(delay)
    return run_batch(**kwargs)
prelabel.prelabel_batch_run = slow_batch
queue = os.environ["PRELABEL_TEST_QUEUE"]
app.conf.task_default_queue = queue
app.conf.task_routes = {"*": {"queue": queue}}  # batches too, not the shared "prelabel" queue
app.conf.broker_transport_options = {"visibility_timeout": 2, "unacked_restore_throttle": 1}
app.worker_main(["worker", "-Q", queue, "--pool=solo", "--loglevel=WARNING",
                 "--without-heartbeat", "--without-gossip", "--without-mingle"])
"""


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def database_url() -> str:
    """DATABASE_URL with its database name swapped for this test database's name."""
    parts = urlsplit(os.environ.get("DATABASE_URL", ""))
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def start_worker(tmp_path: Path, name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRELABEL_TEST_QUEUE": QUEUE,
        "PRELABEL_TEST_BATCH": str(BATCH),
        "PRELABEL_TEST_DELAY": str(BATCH_DELAY),
    }
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", WORKER_MAIN],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )


def kill(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def job_state(job_id: int) -> PrelabelJob:
    return PrelabelJob.objects.get(pk=job_id)


def test_a_killed_worker_mid_job_leaves_a_job_that_another_worker_finishes(project, lead, tmp_path):
    require_service(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")
    require_service(redis_available(), f"needs Redis at {REDIS_URL}")
    labeled_items(project)
    items = unlabeled_items(project, ITEMS)
    job = service.prelabel_job_create(project=project, user=lead)
    workers = [start_worker(tmp_path, "worker1")]
    try:
        # send_task always goes to the broker (it warns that eager mode does not apply).
        with celery_app.connection_for_write(REDIS_URL) as broker, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            celery_app.send_task(service.RUN_TASK, args=[job.pk], queue=QUEUE, connection=broker)
        started = wait_for(lambda: 0 < job_state(job.pk).done < ITEMS, timeout=30)
        assert started, (tmp_path / "worker1.log").read_text()[-2000:]

        kill(workers[0])
        done_at_kill = job_state(job.pk).done
        workers.append(start_worker(tmp_path, "worker2"))
        finished = wait_for(lambda: job_state(job.pk).status == JobStatus.DONE, timeout=40)

        assert finished, (tmp_path / "worker2.log").read_text()[-2000:]
    finally:
        for worker in workers:
            kill(worker)
        import redis

        redis.Redis.from_url(REDIS_URL).delete(QUEUE)
    final = job_state(job.pk)
    predicted = Prediction.objects.filter(model_version=final.model_version)
    assert done_at_kill < ITEMS
    assert (final.done, final.total) == (ITEMS, ITEMS)
    assert predicted.count() == ITEMS
    assert set(predicted.values_list("item_id", flat=True)) == {item.pk for item in items}
