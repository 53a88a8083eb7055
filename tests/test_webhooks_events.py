"""Each write announces its event exactly once per commit, to the hooks subscribed to it.

Deliveries are written in the writer's transaction (the outbox), so counting WebhookDelivery
rows per event tells what was announced; the end-to-end test sends one to a real receiver.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from labeling import announce as announcements
from labeling.models import PrelabelJob, WebhookDelivery
from labeling.services import annotation_edit, annotation_submit
from labeling.services import prelabel as prelabel_service
from labeling.services.imports import import_job_create, import_job_run
from labeling.services.prelabel import prelabel_job_cancel, prelabel_job_fail
from labeling.services.webhooks import webhook_create, webhook_delete, webhook_update
from labeling.webhooks.catalogue import WebhookEvent
from review.services.decisions import final_label_set
from tests.factories import AssignmentFactory, ItemFactory
from tests.factories_guidelines import publish
from tests.factories_import import item_line
from tests.factories_prelabel import labeled_items, unlabeled_items
from tests.webhook_receiver import receiver

ALL = WebhookEvent.values


@pytest.fixture(autouse=True)
def _loopback(settings):
    settings.ACCORD_WEBHOOK_ALLOW_PRIVATE = True
    settings.ACCORD_WEBHOOK_RETRY_BASE_S = 0


@pytest.fixture
def hooks(project, lead):
    """Two hooks on every event, one on guideline.published only, one switched off."""
    every = [webhook_create(project=project, actor=lead, url=f"http://127.0.0.1:9/{n}", events=ALL) for n in (1, 2)]
    webhook_create(project=project, actor=lead, url="http://127.0.0.1:9/g", events=["guideline.published"])
    off = webhook_create(project=project, actor=lead, url="http://127.0.0.1:9/off", events=ALL)
    webhook_update(webhook=off, actor=lead, is_active=False)
    return every


def _announced() -> dict[str, int]:
    """Events announced so far: event -> number of distinct event ids."""
    rows = WebhookDelivery.objects.values_list("event", "event_id")
    counts: dict[str, set] = {}
    for event, event_id in rows:
        counts.setdefault(event, set()).add(event_id)
    return {event: len(ids) for event, ids in counts.items()}


def _deliveries(event: str) -> list[WebhookDelivery]:
    return list(WebhookDelivery.objects.filter(event=event).order_by("webhook_id"))


def _submit(project, user):
    assignment = AssignmentFactory(item=ItemFactory(project=project), annotator=user)
    return annotation_submit(assignment_id=assignment.pk, user=user, value={"label": "positive"})


def test_a_submit_announces_annotation_created_once_to_each_subscribed_active_hook(project, annotator, hooks):
    annotation = _submit(project, annotator)

    assert _announced() == {"annotation.created": 1}
    rows = _deliveries("annotation.created")
    assert [row.webhook_id for row in rows] == [hook.pk for hook in hooks]
    data = rows[0].payload["data"]["annotation"]
    assert data["id"] == annotation.pk
    assert data["annotator"] == annotator.username
    assert data["value"] == {"label": "positive"}
    assert data["item"]["external_id"] == annotation.item.external_id


def test_an_edit_announces_annotation_updated_once(project, annotator, hooks):
    annotation = _submit(project, annotator)

    annotation_edit(annotation_id=annotation.pk, user=annotator, value={"label": "negative"})

    assert _announced() == {"annotation.created": 1, "annotation.updated": 1}
    assert _deliveries("annotation.updated")[0].payload["data"]["annotation"]["value"] == {"label": "negative"}


def test_settling_an_item_announces_item_settled_once(project, annotator, reviewer, hooks):
    item = _submit(project, annotator).item

    final_label_set(item=item, reviewer=reviewer, value={"label": "neutral"})

    assert _announced() == {"annotation.created": 1, "item.settled": 1}
    final = _deliveries("item.settled")[0].payload["data"]["item"]["final"]
    assert final["value"] == {"label": "neutral"}
    assert final["reviewer"] == reviewer.username


def test_publishing_a_guideline_announces_guideline_published_once(project, lead, hooks):
    publish(project, lead, "# Rules", changelog="first")

    assert _announced() == {"guideline.published": 1}
    rows = _deliveries("guideline.published")
    assert len(rows) == 3  # the two hooks on every event and the guideline-only one
    assert rows[0].payload["data"]["guideline_version"]["number"] == 1


def test_a_finished_import_announces_job_finished_once(project, lead, hooks, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("items.jsonl", (json.dumps(item_line("a1")) + "\n").encode())
    job = import_job_create(project=project, upload=upload, user=lead)
    import_job_run(job_id=job.pk)
    import_job_run(job_id=job.pk)  # a redelivered task message: no second announcement

    assert _announced() == {"job.finished": 1}
    data = _deliveries("job.finished")[0].payload["data"]["job"]
    assert (data["kind"], data["id"], data["status"], data["items_created"]) == ("import", job.pk, "done", 1)


def test_a_cancelled_or_failed_prelabel_job_announces_job_finished_once(project, lead, hooks):
    cancelled = PrelabelJob.objects.create(project=project, backend="tfidf")
    failed = PrelabelJob.objects.create(project=project, backend="tfidf")

    prelabel_job_cancel(job=cancelled, user=lead)
    prelabel_job_cancel(job=cancelled, user=lead)
    prelabel_job_fail(job_id=failed.pk, error=RuntimeError("model server said 500"))
    prelabel_job_fail(job_id=failed.pk, error=RuntimeError("again"))

    assert _announced() == {"job.finished": 2}
    jobs = sorted({(row.payload["data"]["job"]["id"], row.payload["data"]["job"]["status"]) for row in _deliveries("job.finished")})
    assert jobs == [(cancelled.pk, "cancelled"), (failed.pk, "failed")]


def test_a_prelabel_job_run_in_batches_announces_job_finished_once(project, lead, hooks, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(prelabel_service, "BATCH_SIZE", 4)
    labeled_items(project)
    unlabeled_items(project, 10)

    with django_capture_on_commit_callbacks(execute=True):
        job = prelabel_service.prelabel_job_start(project=project, user=lead)

    job.refresh_from_db()
    assert job.status == "done"
    assert _announced() == {"job.finished": 1}
    data = _deliveries("job.finished")[0].payload["data"]["job"]
    assert (data["kind"], data["status"], data["done"], data["total"]) == ("prelabel", "done", 10, 10)


def test_a_rolled_back_write_announces_nothing(project, lead, hooks):
    with transaction.atomic():
        publish(project, lead, "# Rules")
        transaction.set_rollback(True)

    assert _announced() == {}


def test_without_hooks_an_announcement_costs_no_query_and_builds_no_payload(project, lead, django_assert_num_queries):
    built = []
    build = lambda: built.append(1) or {}  # noqa: E731
    webhook_create(project=project, actor=lead, url="http://127.0.0.1:9/g", events=["guideline.published"])
    project.refresh_from_db()

    with django_assert_num_queries(0):
        announcements.announce(project=project, event="annotation.created", data=build)
    with django_assert_num_queries(1):  # given only the id: one primary-key read
        announcements.announce(project=project.pk, event="annotation.created", data=build)

    assert built == []


def test_the_project_knows_which_events_its_active_hooks_want(project, lead):
    first = webhook_create(project=project, actor=lead, url="http://127.0.0.1:9/1", events=["item.settled"])
    second = webhook_create(project=project, actor=lead, url="http://127.0.0.1:9/2", events=["job.finished", "item.settled"])
    project.refresh_from_db()
    assert project.webhook_events == ["item.settled", "job.finished"]

    webhook_update(webhook=second, actor=lead, is_active=False)
    project.refresh_from_db()
    assert project.webhook_events == ["item.settled"]

    webhook_delete(webhook=first, actor=lead)
    project.refresh_from_db()
    assert project.webhook_events == []


def test_a_listener_hears_every_announcement_with_lazy_data(project, annotator, monkeypatch):
    heard = []
    monkeypatch.setattr(announcements, "_listeners", [])
    announcements.listen(lambda project_id, event, data: heard.append((project_id, event, data()["annotation"]["id"])))

    annotation = _submit(project, annotator)

    assert heard == [(project.pk, "annotation.created", annotation.pk)]


def test_a_submit_reaches_a_real_receiver_after_commit(project, lead, annotator, api_as, django_capture_on_commit_callbacks):
    with receiver([200]) as hub:
        webhook_create(project=project, actor=lead, url=hub.url, events=["annotation.created"], secret="s" * 20)
        assignment = AssignmentFactory(item=ItemFactory(project=project), annotator=annotator)
        with django_capture_on_commit_callbacks(execute=True):
            response = api_as(annotator).post(
                f"/api/assignments/{assignment.pk}/submit", {"value": {"label": "negative"}}, format="json"
            )

    assert response.status_code in (200, 201)
    [got] = hub.received
    body = json.loads(got.body)
    assert body["event"] == "annotation.created"
    assert body["data"]["annotation"]["value"] == {"label": "negative"}
    assert WebhookDelivery.objects.get().status == "succeeded"
