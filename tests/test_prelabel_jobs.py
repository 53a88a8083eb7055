"""Pre-labeling jobs run eagerly: batches, idempotent reruns, cancel, retrain, API roles."""

from __future__ import annotations

import json

import pytest

from labeling.models import JobStatus, ModelVersion, Prediction, PrelabelJob
from labeling.prelabel.exceptions import NotEnoughLabels, PrelabelUnavailable
from labeling.services import prelabel as service
from labeling.tasks import prelabel as tasks
from tests.factories_prelabel import labeled_items, unlabeled_items


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(service, "BATCH_SIZE", 4)


def run_job(project, lead, callbacks, **kwargs):
    with callbacks(execute=True):
        job = service.prelabel_job_start(project=project, user=lead, **kwargs)
    job.refresh_from_db()
    return job


def test_a_job_predicts_every_unlabeled_item_in_batches(
    project, lead, small_batches, django_capture_on_commit_callbacks
):
    labeled_items(project)
    fresh = unlabeled_items(project, 10)

    job = run_job(project, lead, django_capture_on_commit_callbacks)

    assert job.status == JobStatus.DONE
    assert (job.done, job.total) == (10, 10)
    assert job.model_version == "tfidf-v1"
    predictions = Prediction.objects.filter(model_version="tfidf-v1")
    assert sorted(predictions.values_list("item_id", flat=True)) == [item.pk for item in fresh]
    assert predictions.get(item=fresh[0]).value == {"label": "positive"}
    assert predictions.get(item=fresh[1]).value == {"label": "negative"}
    assert all(0 <= p.margin <= 1 for p in predictions)


def test_rerunning_a_job_updates_predictions_without_duplicating_them(
    project, lead, small_batches, django_capture_on_commit_callbacks
):
    labeled_items(project)
    unlabeled_items(project, 6)
    run_job(project, lead, django_capture_on_commit_callbacks)
    first = dict(Prediction.objects.values_list("item_id", "score"))

    second = run_job(project, lead, django_capture_on_commit_callbacks, item_filter={"scope": "all"})

    assert second.status == JobStatus.DONE
    assert second.done == second.total == 14
    assert Prediction.objects.count() == 14
    assert dict(Prediction.objects.filter(item_id__in=first).values_list("item_id", "score")) == first


def test_a_redelivered_batch_writes_the_same_rows_and_does_not_count_twice(
    project, lead, small_batches, django_capture_on_commit_callbacks
):
    labeled_items(project)
    items = unlabeled_items(project, 6)
    job = service.prelabel_job_create(project=project, user=lead)
    batches = service.prelabel_job_run(job_id=job.pk)
    start, end, expected = batches[0]

    tasks.prelabel_batch_task.apply(args=[job.pk, start, end, expected], throw=True)
    tasks.prelabel_batch_task.apply(args=json.loads(json.dumps([job.pk, start, end, expected])))

    job.refresh_from_db()
    assert job.done == 4
    assert job.status == JobStatus.RUNNING
    assert Prediction.objects.filter(item__in=items[:4]).count() == 4


def test_a_cancelled_job_stops_between_batches(
    project, lead, small_batches, django_capture_on_commit_callbacks
):
    labeled_items(project)
    unlabeled_items(project, 12)
    job = service.prelabel_job_create(project=project, user=lead)
    batches = service.prelabel_job_run(job_id=job.pk)
    service.prelabel_batch_run(job_id=job.pk, start_id=batches[0][0], end_id=batches[0][1], expected=4)

    service.prelabel_job_cancel(job=job, user=lead)
    written = [service.prelabel_batch_run(job_id=job.pk, start_id=s, end_id=e, expected=n) for s, e, n in batches[1:]]

    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert written == [0, 0]
    assert Prediction.objects.count() == 4


def test_a_second_job_is_refused_while_one_is_live(project, lead):
    labeled_items(project)
    service.prelabel_job_create(project=project, user=lead)
    with pytest.raises(service.Conflict):
        service.prelabel_job_create(project=project, user=lead)


def test_a_job_needs_labels_in_two_classes(project, lead):
    unlabeled_items(project, 3)
    with pytest.raises(NotEnoughLabels):
        service.prelabel_job_start(project=project, user=lead)


def test_the_http_backend_needs_a_url_in_the_project_settings(project, lead):
    with pytest.raises(PrelabelUnavailable, match="url"):
        service.prelabel_job_start(project=project, user=lead, backend="http")


def test_retrain_records_a_version_with_cross_validated_accuracy(project):
    items = labeled_items(project)
    items[-1].aggregate_value = None
    items[-1].save()
    project.schema = {**project.schema, "settings": {**project.settings, "prelabel": {"retrain_every": 1}}}
    project.save()
    assert tasks.retrain_model_task.apply(args=[project.pk]).get() == ""  # no model yet
    tasks.retrain_model_task.apply(args=[project.pk, True]).get()
    items[-1].aggregate_value = {"label": "negative"}
    items[-1].save()

    name = tasks.retrain_model_task.apply(args=[project.pk]).get()
    again = tasks.retrain_model_task.apply(args=[project.pk]).get()

    version = ModelVersion.objects.get(project=project, version=name)
    assert name == "tfidf-v2"
    assert again == ""
    assert version.trained_on == 8
    assert version.cv_accuracy is not None
    assert 0.0 <= version.cv_accuracy <= 1.0
    assert version.details["against"] == "final"
    assert version.details["evaluated"] == 4


def test_retrain_waits_for_retrain_every_new_labels(project):
    labeled_items(project)
    assert tasks.retrain_model_task.apply(args=[project.pk, True]).get() == "tfidf-v1"
    unlabeled = unlabeled_items(project, 3)
    for item in unlabeled:
        item.aggregate_value = {"label": "positive"}
        item.save()

    assert tasks.retrain_model_task.apply(args=[project.pk]).get() == ""  # 3 < 200 new labels


def test_the_next_job_uses_a_retrained_model_once_enough_labels_arrived(
    project, lead, django_capture_on_commit_callbacks
):
    project.schema = {**project.schema, "settings": {**project.settings, "prelabel": {"retrain_every": 2}}}
    project.save()
    labeled_items(project)
    fresh = unlabeled_items(project, 4)
    assert run_job(project, lead, django_capture_on_commit_callbacks).model_version == "tfidf-v1"
    for item in fresh[:2]:
        item.aggregate_value = {"label": "positive"}
        item.save()

    second = run_job(project, lead, django_capture_on_commit_callbacks, item_filter={"scope": "all"})

    assert second.model_version == "tfidf-v2"
    assert ModelVersion.objects.get(version="tfidf-v2").trained_on == 10


def test_job_start_api_is_for_leads_only(
    project, lead, reviewer, annotator, outsider, api, api_as, django_capture_on_commit_callbacks
):
    labeled_items(project)
    unlabeled_items(project, 2)
    url = f"/api/projects/{project.pk}/prelabel"

    assert api.post(url, {}, format="json").status_code == 401
    assert api_as(outsider).post(url, {}, format="json").status_code == 404
    assert api_as(annotator).post(url, {}, format="json").status_code == 403
    assert api_as(reviewer).post(url, {}, format="json").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(lead).post(url, {"backend": "tfidf"}, format="json")

    assert response.status_code == 201
    body = api_as(lead).get(f"{url}/jobs/{response.json()['id']}").json()
    assert body["status"] == "done"
    assert body["done"] == body["total"] == 2


def test_job_status_cancel_and_versions_api(project, lead, reviewer, annotator, api_as):
    labeled_items(project)
    unlabeled_items(project, 2)
    job = service.prelabel_job_create(project=project, user=lead)
    base = f"/api/projects/{project.pk}/prelabel"

    assert api_as(annotator).get(f"{base}/jobs/{job.pk}").status_code == 403
    assert api_as(reviewer).post(f"{base}/jobs/{job.pk}/cancel").status_code == 403
    cancelled = api_as(lead).post(f"{base}/jobs/{job.pk}/cancel")
    versions = api_as(reviewer).get(f"/api/projects/{project.pk}/model-versions")

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert PrelabelJob.objects.get(pk=job.pk).cancel_requested
    assert versions.status_code == 403  # model versions are the lead's, as on the pre-label page
    assert api_as(lead).get(f"/api/projects/{project.pk}/model-versions").status_code == 200
    assert api_as(annotator).get(f"/api/projects/{project.pk}/model-versions").status_code == 403


def test_unknown_backend_is_a_400_with_a_reason(project, lead, api_as):
    response = api_as(lead).post(f"/api/projects/{project.pk}/prelabel", {"backend": "gpt"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "prelabel_unavailable"


@pytest.mark.django_db(transaction=True)
def test_prelabel_command_waits_and_draws_a_progress_bar(project):
    from io import StringIO

    from django.core.management import call_command

    labeled_items(project)
    unlabeled_items(project, 3)
    out = StringIO()
    call_command("prelabel", project.name, "--backend", "tfidf", "--wait", "--timeout", "20", stdout=out)

    text = out.getvalue()
    assert "[##############################] 100%  3/3 done" in text
    assert "done: 3 items predicted with tfidf-v1" in text
    assert Prediction.objects.count() == 3


def test_prelabel_command_reports_why_it_cannot_start(project):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="at least 4"):
        call_command("prelabel", str(project.pk))


def test_the_project_agreement_recompute_triggers_a_due_retrain(project):
    from review.tasks.agreement import recompute_project_agreement_task

    project.schema = {**project.schema, "settings": {**project.settings, "prelabel": {"retrain_every": 1}}}
    project.save()
    items = labeled_items(project)
    tasks.retrain_model_task.apply(args=[project.pk, True])
    extra = unlabeled_items(project, 1)[0]
    extra.aggregate_value = {"label": items[0].aggregate_value["label"]}
    extra.save()

    recompute_project_agreement_task.apply(args=[project.pk])

    assert ModelVersion.objects.filter(project=project).count() == 2


def test_a_permanent_batch_error_fails_the_job_instead_of_leaving_it_running(project, lead, monkeypatch):
    labeled_items(project)
    unlabeled_items(project, 2)
    job = service.prelabel_job_create(project=project, user=lead)
    [(start, end, expected)] = service.prelabel_job_run(job_id=job.pk)

    def broken(**kwargs):
        raise ValueError("model file is corrupt")

    monkeypatch.setattr(service, "prelabel_batch_run", broken)
    with pytest.raises(ValueError, match="corrupt"):
        tasks.prelabel_batch_task.apply(args=[job.pk, start, end, expected], throw=True)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "model file is corrupt"
