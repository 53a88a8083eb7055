"""/metrics in Prometheus format behind a bearer token; request ids and JSON logs (issue 18)."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.core.cache import cache
from prometheus_client.parser import text_string_to_metric_families

from config.celery import app as celery_app
from config.json_logs import JsonFormatter
from config.metrics.tasks import KEY, KINDS
from config.request_id import RequestIdFilter, current_request_id
from labeling.models import AssignmentStatus
from labeling.tasks.recovery import sweep_stalled_jobs_task
from tests.factories import AssignmentFactory, ItemFactory

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-metrics-token"


@pytest.fixture
def metrics_on(settings):
    settings.ACCORD_METRICS_TOKEN = TOKEN
    # Only this test's counters: the cache may be the shared Redis (never flush it).
    cache.delete_many([KEY.format(kind=kind, name="labeling.sweep_stalled_jobs") for kind in KINDS])


def scrape(client) -> dict[str, list]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def value(samples, name, **labels) -> float:
    matching = [s.value for s in samples.get(name, []) if all(s.labels.get(k) == v for k, v in labels.items())]
    assert matching, f"{name} {labels} not in {sorted(samples)}"
    return matching[0]


def test_metrics_are_off_without_a_token(client, settings):
    settings.ACCORD_METRICS_TOKEN = ""

    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Token {TOKEN}", f"Basic {TOKEN}"])
def test_metrics_need_the_bearer_token(client, metrics_on, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}

    response = client.get("/metrics", **extra)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_logged_in_lead_without_the_token_gets_no_metrics(client, metrics_on, lead):
    client.force_login(lead)

    assert client.get("/metrics").status_code == 401


def test_request_latency_is_labelled_by_view_not_by_path(client, metrics_on, project, lead):
    client.force_login(lead)
    client.get(f"/api/projects/{project.pk}/items")

    samples = scrape(client)

    views = {s.labels["view"] for s in samples["accord_request_duration_seconds_count"]}
    assert any("item" in view for view in views)
    assert not any(str(project.pk) in view for view in views)


def test_open_leases_and_submits_are_counted(client, metrics_on, project, annotators):
    item = ItemFactory(project=project)
    AssignmentFactory(item=item, annotator=annotators[0], status=AssignmentStatus.ACTIVE)
    AssignmentFactory(item=item, annotator=annotators[1], status=AssignmentStatus.SUBMITTED)
    AssignmentFactory(item=item, annotator=annotators[2], status=AssignmentStatus.SUBMITTED)

    samples = scrape(client)

    assert value(samples, "accord_open_leases") == 1
    assert value(samples, "accord_submits_total") == 2


@pytest.fixture
def failures_recorded():
    """As in a worker: a task's failure is recorded, not raised into the caller."""
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


def test_task_runs_and_failures_are_counted_by_task(client, metrics_on, settings, failures_recorded):
    sweep_stalled_jobs_task.delay()
    sweep_stalled_jobs_task.delay()
    settings.ACCORD_JOB_STALL_SECONDS = "not a number"  # the next run fails

    assert sweep_stalled_jobs_task.delay().failed()

    samples = scrape(client)

    assert value(samples, "accord_task_runs_total", task="labeling.sweep_stalled_jobs") == 3
    assert value(samples, "accord_task_failures_total", task="labeling.sweep_stalled_jobs") == 1
    assert value(samples, "accord_task_seconds_total", task="labeling.sweep_stalled_jobs") >= 0


def test_queue_depth_is_reported_for_every_queue(client, metrics_on, settings):
    samples = scrape(client)

    assert {s.labels["queue"] for s in samples["accord_queue_depth"]} == set(settings.ACCORD_QUEUES)


def test_every_response_carries_a_request_id_and_a_safe_given_one_is_kept(client):
    made = client.get("/healthz/", follow=False)
    given = client.get("/accounts/login/", HTTP_X_REQUEST_ID="abc-123")
    hostile = client.get("/accounts/login/", HTTP_X_REQUEST_ID="x\n{\"level\": \"forged\"}")

    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/api/projects").get("X-Request-ID", ""))
    assert given["X-Request-ID"] == "abc-123"
    assert re.fullmatch(r"[0-9a-f]{32}", hostile["X-Request-ID"])
    assert made.status_code in (200, 301, 404)


def test_json_logs_carry_the_request_id():
    record = logging.LogRecord("accord", logging.WARNING, __file__, 1, "import %s failed", (7,), None)
    token = current_request_id.set("req-42")
    try:
        RequestIdFilter().filter(record)
    finally:
        current_request_id.reset(token)

    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "import 7 failed"
    assert (line["level"], line["logger"], line["request_id"]) == ("WARNING", "accord", "req-42")


def test_django_request_log_lines_carry_the_request_id(client, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")

    client.get("/no-such-page", HTTP_X_REQUEST_ID="rid-404")

    records = [r for r in caplog.records if r.name == "django.request"]
    assert records
    RequestIdFilter().filter(records[-1])
    assert records[-1].request_id == "rid-404"
