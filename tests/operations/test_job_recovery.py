"""Jobs whose worker died: heartbeats per batch, and the sweep that requeues or fails them (issue 18)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Count
from django.utils import timezone

from labeling.models import ImportJob, JobStatus, Prediction, PrelabelJob
from labeling.services import prelabel as prelabel_service
from labeling.services.job_recovery import jobs_stalled_sweep
from labeling.tasks.recovery import SWEEP_STALLED_JOBS, sweep_stalled_jobs_task
from tests.factories_prelabel import labeled_items, unlabeled_items

pytestmark = pytest.mark.django_db

STALL = 300


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def long_ago() -> timezone.datetime:
    return timezone.now() - timedelta(seconds=STALL + 60)


def crashed_prelabel_job(project, lead, items):
    """A job its worker started (running, batches fanned out) and then died with: no batch ran."""
    job = prelabel_service.prelabel_job_create(project=project, user=lead)
    batches = prelabel_service.prelabel_job_run(job_id=job.pk)
    assert batches  # the batch messages were "lost" with the worker
    PrelabelJob.objects.filter(pk=job.pk).update(heartbeat_at=long_ago())
    return job


def running_import(project, *, heartbeat_at):
    job = ImportJob(project=project, original_name="a.jsonl", status=JobStatus.RUNNING, heartbeat_at=heartbeat_at)
    job.file.save("a.jsonl", ContentFile(b"{}\n"), save=False)
    job.save()
    return job


def test_a_stalled_prelabel_job_is_requeued_and_finishes_with_one_prediction_per_item(
    project, lead, django_capture_on_commit_callbacks
):
    labeled_items(project)
    items = unlabeled_items(project, 7)
    job = crashed_prelabel_job(project, lead, items)

    with django_capture_on_commit_callbacks(execute=True):
        result = jobs_stalled_sweep(stall_seconds=STALL)

    job.refresh_from_db()
    assert result.prelabels_requeued == [job.pk]
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 7, 7)
    per_item = Prediction.objects.filter(item__in=items).values("item").annotate(n=Count("id"))
    assert sorted(row["n"] for row in per_item) == [1] * 7


def test_a_requeue_after_some_batches_ran_redoes_only_what_is_missing(
    project, lead, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(prelabel_service, "BATCH_SIZE", 3)
    labeled_items(project)
    items = unlabeled_items(project, 7)
    job = prelabel_service.prelabel_job_create(project=project, user=lead)
    first = prelabel_service.prelabel_job_run(job_id=job.pk)[0]
    prelabel_service.prelabel_batch_run(job_id=job.pk, start_id=first[0], end_id=first[1], expected=first[2])
    PrelabelJob.objects.filter(pk=job.pk).update(heartbeat_at=long_ago())

    with django_capture_on_commit_callbacks(execute=True):
        jobs_stalled_sweep(stall_seconds=STALL)

    job.refresh_from_db()
    assert (job.status, job.done) == (JobStatus.DONE, 7)
    assert Prediction.objects.filter(item__in=items).count() == 7


def test_a_prelabel_job_with_a_recent_heartbeat_is_left_alone(project, lead, django_capture_on_commit_callbacks):
    labeled_items(project)
    unlabeled_items(project, 3)
    job = prelabel_service.prelabel_job_create(project=project, user=lead)
    prelabel_service.prelabel_job_run(job_id=job.pk)

    with django_capture_on_commit_callbacks(execute=True):
        result = jobs_stalled_sweep(stall_seconds=STALL)

    job.refresh_from_db()
    assert result.prelabels_requeued == []
    assert (job.status, job.done) == (JobStatus.RUNNING, 0)


def test_a_stalled_import_fails_with_a_clear_message_and_live_ones_are_left_alone(project):
    stalled = running_import(project, heartbeat_at=long_ago())
    live = running_import(project, heartbeat_at=timezone.now())

    result = jobs_stalled_sweep(stall_seconds=STALL)

    stalled.refresh_from_db()
    live.refresh_from_db()
    assert result.imports_failed == [stalled.pk]
    assert stalled.status == JobStatus.FAILED
    assert "stopped" in stalled.errors[0]["message"]
    assert "nothing was imported" in stalled.errors[0]["message"]
    assert stalled.finished_at is not None
    assert live.status == JobStatus.RUNNING


def test_a_second_sweep_changes_nothing(project):
    running_import(project, heartbeat_at=long_ago())
    jobs_stalled_sweep(stall_seconds=STALL)

    again = jobs_stalled_sweep(stall_seconds=STALL)

    assert (again.imports_failed, again.prelabels_requeued) == ([], [])


def test_finished_jobs_are_never_touched(project):
    done = running_import(project, heartbeat_at=long_ago())
    ImportJob.objects.filter(pk=done.pk).update(status=JobStatus.DONE)

    result = jobs_stalled_sweep(stall_seconds=STALL)

    done.refresh_from_db()
    assert result.imports_failed == []
    assert done.status == JobStatus.DONE


def test_batches_write_the_prelabel_heartbeat(project, lead):
    labeled_items(project)
    unlabeled_items(project, 3)
    job = prelabel_service.prelabel_job_create(project=project, user=lead)
    span = prelabel_service.prelabel_job_run(job_id=job.pk)[0]
    PrelabelJob.objects.filter(pk=job.pk).update(heartbeat_at=long_ago())

    prelabel_service.prelabel_batch_run(job_id=job.pk, start_id=span[0], end_id=span[1], expected=span[2])

    job.refresh_from_db()
    assert job.heartbeat_at > timezone.now() - timedelta(seconds=5)


def test_the_sweep_task_uses_the_stall_setting(project, settings):
    settings.ACCORD_JOB_STALL_SECONDS = 30
    stalled = running_import(project, heartbeat_at=timezone.now() - timedelta(seconds=40))

    result = sweep_stalled_jobs_task()

    assert result["imports_failed"] == [stalled.pk]


def test_beat_runs_the_sweep_beside_the_pending_items_sweep():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {SWEEP_STALLED_JOBS, "labeling.sweep_pending_items"} <= tasks


def test_an_import_job_beats_when_a_worker_claims_it(project, lead):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from labeling.services.imports import import_job_create, import_job_run

    job = import_job_create(project=project, upload=SimpleUploadedFile("a.jsonl", b'{"id": "x", "data": {"text": "t"}}\n'), user=lead)
    assert job.heartbeat_at is None

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.heartbeat_at is not None


def test_the_redis_visibility_timeout_follows_the_task_time_limit():
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:1/0", "CELERY_TASK_TIME_LIMIT": "900", "CELERY_TASK_SOFT_TIME_LIMIT": "800"}
    code = "import django; django.setup(); import json; from django.conf import settings as s; print(json.dumps(s.CELERY_BROKER_TRANSPORT_OPTIONS))"
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)  # noqa: S603

    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"visibility_timeout": 960}
