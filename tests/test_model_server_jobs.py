"""Pre-label jobs and training events against a fake model server (httpx MockTransport):
failures end the job with the server's message; webhook events are sent once, with retries."""

from __future__ import annotations

import json

import httpx
import pytest
from django.urls import reverse

from labeling.models import AuditEntry, JobStatus, ModelServerEvent, Prediction, PrelabelJob
from labeling.prelabel import http_backend
from labeling.prelabel.http_client import client_for
from labeling.services import annotation_edit, annotation_submit, model_server_events
from labeling.services.model_server import model_server_settings_update
from labeling.services.prelabel import prelabel_job_start
from labeling.tasks.model_server import send_model_server_event_task
from tests.factories import AssignmentFactory
from tests.factories_model_server import worker_retries  # noqa: F401 - fixture
from tests.factories_prelabel import unlabeled_items


class Server:
    """A fake Label Studio ML backend; `fail` makes every answer that status."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.fail = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        self.calls.append((request.url.path, body))
        if self.fail:
            return httpx.Response(self.fail, json={"status": self.fail, "detail": "ValueError: weights are corrupt"})
        if request.url.path == "/health":
            return httpx.Response(200, json={"status": "UP"})
        if request.url.path == "/setup":
            return httpx.Response(200, json={"model_version": "m1"})
        if request.url.path == "/webhook":
            return httpx.Response(201, json={"job_id": "1700000000"})
        results = []
        for task in body["tasks"]:
            label, score = ("negative", 0.55) if "awful" in task["data"]["text"] else ("positive", 0.95)
            region = {"from_name": "label", "to_name": "text", "type": "choices", "value": {"choices": [label]}}
            results.append({"result": [region], "score": score})
        return httpx.Response(200, json={"results": results})

    def paths(self) -> list[str]:
        return [path for path, _ in self.calls]


@pytest.fixture
def server(monkeypatch, request):
    request.getfixturevalue("worker_retries")
    fake = Server()

    def with_fake(config, transport=None):
        return client_for(config, httpx.MockTransport(fake))

    monkeypatch.setattr(http_backend, "client_for", with_fake)
    monkeypatch.setattr(model_server_events, "client_for", with_fake)
    return fake


@pytest.fixture
def served(project, lead):
    return model_server_settings_update(
        project=project, actor=lead, changes={"url": "http://models.test", "batch_size": 2}
    )


def test_a_job_predicts_through_the_server_with_margins(
    served, lead, server, settings, django_capture_on_commit_callbacks
):
    unlabeled_items(served, 5)
    with django_capture_on_commit_callbacks(execute=True):
        job = prelabel_job_start(project=served, user=lead, backend="http")

    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert (job.done, job.total, job.model_version) == (5, 5, "http-m1")
    assert server.paths() == ["/health", "/setup", "/predict", "/predict", "/predict"]
    margins = dict(Prediction.objects.filter(project=served).values_list("value__label", "margin").distinct())
    # Three labels: margin = score - (1 - score) / 2.
    assert margins == {"positive": 0.925, "negative": 0.325}
    setup = server.calls[1][1]
    assert setup["hostname"] == settings.ACCORD_PUBLIC_URL
    assert len(setup["access_token"]) == 40


def test_uncertainty_ordering_hands_out_the_least_sure_server_prediction_first(
    served, lead, annotator, server, api_as, django_capture_on_commit_callbacks
):
    items = unlabeled_items(served, 4)  # "love it, great" (sure) and "awful, terrible" (unsure)
    with django_capture_on_commit_callbacks(execute=True):
        prelabel_job_start(project=served, user=lead, backend="http")
    served.ordering = "uncertainty_first"
    served.save(update_fields=["ordering"])

    response = api_as(annotator).post(reverse("api-next", args=[served.pk]))

    assert response.status_code == 200, response.content
    assert response.json()["item"]["id"] == items[1].pk  # the first "awful" item: margin 0.325


def test_a_server_answering_500_fails_the_job_with_its_message(
    served, lead, server, client, django_capture_on_commit_callbacks
):
    unlabeled_items(served, 3)
    server.fail = 500
    with django_capture_on_commit_callbacks(execute=True):
        job = prelabel_job_start(project=served, user=lead, backend="http")

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "HTTP 500: ValueError: weights are corrupt" in job.error
    assert server.paths() == ["/health"] * 6  # the first try and five retries
    client.force_login(lead)
    api = client.get(reverse("api-prelabel-job", args=[served.pk, job.pk])).json()
    assert api["status"] == "failed"
    assert "weights are corrupt" in api["error"]
    page = client.get(reverse("prelabel", args=[served.pk])).content.decode()
    assert "weights are corrupt" in page


def test_a_500_during_a_batch_fails_the_running_job(served, lead, server, django_capture_on_commit_callbacks):
    unlabeled_items(served, 2)
    real = Server.__call__

    def fail_predict(self, request):
        if request.url.path == "/predict":
            self.calls.append(("/predict", {}))
            return httpx.Response(503, text="<h1>Service Unavailable</h1>")
        return real(self, request)

    Server.__call__ = fail_predict
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = prelabel_job_start(project=served, user=lead, backend="http")
    finally:
        Server.__call__ = real
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.endswith("HTTP 503: Service Unavailable")
    assert PrelabelJob.objects.filter(status=JobStatus.RUNNING).count() == 0


def test_a_4xx_fails_the_job_at_once(served, lead, server, django_capture_on_commit_callbacks):
    unlabeled_items(served, 1)
    server.fail = 401
    with django_capture_on_commit_callbacks(execute=True):
        job = prelabel_job_start(project=served, user=lead, backend="http")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "HTTP 401" in job.error
    assert server.paths() == ["/health"]


def test_train_sends_start_training_once(api_as, served, lead, server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(lead).post(reverse("api-prelabel-train", args=[served.pk]))

    assert response.status_code == 202
    event = ModelServerEvent.objects.get(pk=response.json()["id"])
    assert event.status == "sent"
    assert event.attempts == 1
    path, body = server.calls[0]
    assert path == "/webhook"
    assert body["action"] == "START_TRAINING"
    assert body["project"]["id"] == served.pk
    assert "<Choices" in body["project"]["label_config"]
    # A redelivered task sends nothing more (arguments survive JSON, as a broker sends them).
    send_model_server_event_task.apply(args=json.loads(json.dumps([event.pk])), throw=True)
    assert len(server.calls) == 1
    assert AuditEntry.objects.filter(project=served, action="prelabel.train", actor=lead).count() == 1


def test_train_needs_a_server_url(api_as, project, lead):
    response = api_as(lead).post(reverse("api-prelabel-train", args=[project.pk]))
    assert response.status_code == 400
    assert "model server URL" in response.json()["detail"]


def test_the_train_button_is_for_leads(client, served, lead, annotator, server, django_capture_on_commit_callbacks):
    client.force_login(annotator)
    assert client.post(reverse("prelabel-train", args=[served.pk])).status_code == 403
    client.force_login(lead)
    assert 'data-testid="train"' in client.get(reverse("prelabel", args=[served.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("prelabel-train", args=[served.pk])).status_code == 302
    assert server.calls[0][1]["action"] == "START_TRAINING"


def test_annotations_reach_the_server_as_label_studio_events(
    served, annotator, server, django_capture_on_commit_callbacks
):
    item = unlabeled_items(served, 1)[0]
    assignment = AssignmentFactory(item=item, annotator=annotator)
    with django_capture_on_commit_callbacks(execute=True):
        annotation = annotation_submit(assignment_id=assignment.pk, user=annotator, value={"label": "negative"})
    with django_capture_on_commit_callbacks(execute=True):
        annotation_edit(annotation_id=annotation.pk, user=annotator, value={"label": "positive"})

    (_, created), (_, updated) = server.calls
    assert created["action"] == "ANNOTATION_CREATED"
    assert created["annotation"]["id"] == annotation.pk
    assert created["annotation"]["task"] == item.pk
    assert created["task"]["data"] == {"text": item.data["text"]}
    assert created["project"]["label_config"].startswith("<View>")
    # The payload is built when sent: both carry the annotation as it stands then.
    assert updated["action"] == "ANNOTATION_UPDATED"
    assert updated["annotation"]["result"][0]["value"] == {"choices": ["positive"]}
    assert updated["annotation"]["result"][0]["from_name"] == "label"


def test_annotations_are_not_sent_when_training_on_annotations_is_off(
    served, lead, annotator, server, django_capture_on_commit_callbacks
):
    model_server_settings_update(project=served, actor=lead, changes={"train_on_annotation": False})
    served.refresh_from_db()
    assignment = AssignmentFactory(item=unlabeled_items(served, 1)[0], annotator=annotator)
    with django_capture_on_commit_callbacks(execute=True):
        annotation_submit(assignment_id=assignment.pk, user=annotator, value={"label": "negative"})
    assert server.calls == []
    assert not ModelServerEvent.objects.exists()


def test_a_webhook_that_keeps_failing_is_marked_failed_with_the_message(
    served, lead, server, django_capture_on_commit_callbacks
):
    server.fail = 502
    with django_capture_on_commit_callbacks(execute=True):
        event = model_server_events.model_server_train(project=served, user=lead)
    event.refresh_from_db()
    assert event.status == "failed"
    assert event.attempts == 6
    assert "HTTP 502: ValueError: weights are corrupt" in event.error
