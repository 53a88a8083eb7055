"""Multi-machine rehearsal (issue 18): one web process (this test), two Celery workers, each with
its own var dir and an empty MEDIA_ROOT of its own, an S3 bucket (moto on loopback), PostgreSQL
and Redis. An upload, the review recompute it triggers and a pre-label job each complete on the
real queues, no file lands on any local disk, and /metrics counts them.

Worker A consumes imports, review and default; worker B prelabel and review, as two machines of
the compose file's queue groups would. Needs PostgreSQL and Redis: skips without them, fails in CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

from config.celery import app as celery_app
from labeling.models import ImportJob, Item, JobStatus, Prediction, PrelabelJob
from labeling.services import prelabel as prelabel_service
from tests.conftest import require_service
from tests.factories_prelabel import NEGATIVE, POSITIVE
from tests.operations.conftest import ACCESS_KEY, REGION, SECRET_KEY, bucket_keys
from tests.test_prelabel_worker import database_url, kill, redis_available, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/7"
TOKEN = "rehearsal-token"
UNLABELED = 6
WORKER_MAIN = """
import sys
import django
django.setup()
from config.celery import app
app.worker_main(["worker", "-Q", sys.argv[1], "--pool=solo", "--loglevel=WARNING",
                 "--without-heartbeat", "--without-gossip", "--without-mingle"])
"""


@pytest.fixture
def real_broker():
    """Tasks go to Redis for the workers, not run in this process; purge Accord's queues."""
    client = redis.Redis.from_url(REDIS_URL)
    client.delete(*settings.ACCORD_QUEUES)
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True
    client.delete(*settings.ACCORD_QUEUES)


def start_worker(tmp_path: Path, name: str, queues: str, s3_options: dict) -> subprocess.Popen:
    var = tmp_path / f"machine-{name}"
    (var / "media").mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "ACCORD_VAR_DIR": str(var),
        "MEDIA_ROOT": str(var / "media"),
        "AWS_STORAGE_BUCKET_NAME": s3_options["bucket_name"],
        "AWS_S3_ENDPOINT_URL": s3_options["endpoint_url"],
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_S3_REGION_NAME": REGION,
    }
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", WORKER_MAIN, queues],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )


def upload_body() -> bytes:
    lines = [
        {"id": f"l{i}", "data": {"text": text},
         "annotations": [{"annotator": who, "value": {"label": label}} for who in ("alice", "bob", "carol")]}
        for i, (text, label) in enumerate([(t, "positive") for t in POSITIVE] + [(t, "negative") for t in NEGATIVE])
    ]
    lines += [{"id": f"u{i}", "data": {"text": "love it, great" if i % 2 else "awful, terrible"}} for i in range(UNLABELED)]
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def metric(client, name: str, **labels: str) -> float:
    body = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def files_under(folder: Path) -> list[str]:
    return sorted(str(path) for path in folder.rglob("*") if path.is_file())


def test_upload_recompute_and_prelabel_complete_across_two_worker_machines(
    s3_storage, real_broker, settings, project, lead, client, tmp_path
):
    require_service(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")
    require_service(redis_available(), f"needs Redis at {REDIS_URL}")
    s3, bucket, web_media = s3_storage
    settings.ACCORD_METRICS_TOKEN = TOKEN
    options = settings.STORAGES["default"]["OPTIONS"]
    runs_before = metric(client, "accord_task_runs_total", task="labeling.run_import_job")
    workers = [
        start_worker(tmp_path, "a", "imports,review,default", options),
        start_worker(tmp_path, "b", "prelabel,review", options),
    ]
    logs = lambda: "\n".join((tmp_path / f"{n}.log").read_text()[-1500:] for n in "ab")  # noqa: E731
    try:
        client.force_login(lead)
        upload = SimpleUploadedFile("items.jsonl", upload_body())
        response = client.post(f"/api/projects/{project.pk}/imports", {"file": upload})
        assert response.status_code == 202, response.content
        job_id = response.json()["id"]
        imported = wait_for(lambda: ImportJob.objects.get(pk=job_id).status == JobStatus.DONE, timeout=90)
        assert imported, (ImportJob.objects.get(pk=job_id).errors, logs())
        aggregated = wait_for(
            lambda: Item.objects.filter(project=project, aggregate_value__isnull=False).count() >= 8, timeout=60
        )
        assert aggregated, logs()

        job = prelabel_service.prelabel_job_start(project=project, user=lead)
        prelabeled = wait_for(lambda: PrelabelJob.objects.get(pk=job.pk).status == JobStatus.DONE, timeout=90)
        assert prelabeled, (PrelabelJob.objects.get(pk=job.pk).error, logs())
    finally:
        for worker in workers:
            kill(worker)

    unlabeled = Item.objects.filter(project=project, external_id__startswith="u")
    assert Prediction.objects.filter(item__in=unlabeled).count() == UNLABELED
    keys = bucket_keys(s3, bucket)
    assert any(key.startswith("imports/") for key in keys)
    assert any(key.startswith(f"models/{project.pk}/") for key in keys)
    machines = [web_media, tmp_path / "machine-a" / "media", tmp_path / "machine-b" / "media"]
    assert [files_under(folder) for folder in machines] == [[], [], []]
    assert metric(client, "accord_jobs", kind="import", status="done") == 1
    assert metric(client, "accord_jobs", kind="prelabel", status="done") == 1
    assert metric(client, "accord_task_runs_total", task="labeling.run_import_job") >= runs_before + 1
    assert metric(client, "accord_task_runs_total", task="review.recompute_project_agreement") >= 1
    assert metric(client, "accord_task_runs_total", task="labeling.prelabel_batch") >= 1
