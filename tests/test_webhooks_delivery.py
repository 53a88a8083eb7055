"""Webhook deliveries against a real loopback receiver: signed, retried with backoff, logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from config.celery import app
from labeling.announce import DELIVER_TASK
from labeling.models import WebhookDelivery
from labeling.services import webhook_delivery
from labeling.services.webhook_delivery import deliveries_sweep, delivery_attempt, retry_delay
from labeling.services.webhooks import delivery_redeliver, webhook_create, webhook_ping
from labeling.webhooks.addresses import UrlRefused, resolve
from labeling.webhooks.catalogue import DeliveryStatus, WebhookEvent
from tests.webhook_receiver import receiver

SECRET = "a-shared-secret-of-the-receiver"


@pytest.fixture(autouse=True)
def _loopback_and_fast_retries(settings):
    settings.ACCORD_WEBHOOK_ALLOW_PRIVATE = True  # the receiver is on 127.0.0.1
    settings.ACCORD_WEBHOOK_RETRY_BASE_S = 0  # eager retries run at once
    settings.ACCORD_WEBHOOK_MAX_ATTEMPTS = 4
    settings.ACCORD_WEBHOOK_TIMEOUT_S = 5


def _hook(project, lead, url, events=(WebhookEvent.ANNOTATION_CREATED,)):
    return webhook_create(project=project, actor=lead, url=url, events=events, secret=SECRET)


def _verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does (the README's snippet): recompute and compare, refuse old stamps."""
    stamp = headers["X-Accord-Timestamp"]
    expected = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(stamp)) < 300
    return fresh and hmac.compare_digest("sha256=" + expected, headers["X-Accord-Signature"])


def test_a_ping_arrives_signed_so_the_receiver_can_verify_it(project, lead, django_capture_on_commit_callbacks):
    with receiver([200]) as hub:
        hook = _hook(project, lead, hub.url)
        with django_capture_on_commit_callbacks(execute=True):
            delivery = webhook_ping(webhook=hook, actor=lead)

    [got] = hub.received
    assert _verify(SECRET, got.headers, got.body)
    assert not _verify("another-secret-entirely", got.headers, got.body)
    assert not _verify(SECRET, got.headers, got.body + b" ")
    body = json.loads(got.body)
    assert body["event"] == "ping"
    assert body["project"]["id"] == project.pk
    assert got.headers["X-Accord-Event"] == "ping"
    assert got.headers["X-Accord-Event-Id"] == body["id"] == str(delivery.event_id)
    assert got.headers["X-Accord-Delivery"] == str(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 1, 200)


def test_the_readme_snippet_verifies_a_real_delivery(project, lead, django_capture_on_commit_callbacks):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Webhooks", 1)[1]
    snippet = section.split("```python", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(snippet, namespace)  # noqa: S102 - our own README
    with receiver([200]) as hub:
        hook = _hook(project, lead, hub.url)
        with django_capture_on_commit_callbacks(execute=True):
            webhook_ping(webhook=hook, actor=lead)

    [got] = hub.received
    assert namespace["verify"](SECRET, got.headers, got.body)
    assert not namespace["verify"](SECRET, got.headers, got.body.replace(b"ping", b"pong"))
    stale = {**got.headers, "X-Accord-Timestamp": str(int(got.headers["X-Accord-Timestamp"]) - 3600)}
    assert not namespace["verify"](SECRET, stale, got.body)


def test_a_500_is_retried_with_backoff_until_the_receiver_accepts(project, lead, django_capture_on_commit_callbacks, monkeypatch):
    delays = []
    real_enqueue = webhook_delivery.enqueue
    monkeypatch.setattr(webhook_delivery, "enqueue", lambda name, args, countdown: (delays.append(countdown), real_enqueue(name, args, countdown=countdown)))
    with receiver([500, 503, 200]) as hub:
        hook = _hook(project, lead, hub.url)
        with django_capture_on_commit_callbacks(execute=True):
            delivery = webhook_ping(webhook=hook, actor=lead)

    delivery.refresh_from_db()
    assert len(hub.received) == 3
    assert len({r.headers["X-Accord-Event-Id"] for r in hub.received}) == 1  # the same event
    assert [r.headers["X-Accord-Attempt"] for r in hub.received] == ["1", "2", "3"]
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 3, 200)
    assert delivery.error == ""
    assert len(delays) == 2


def test_retry_delays_double_from_the_base_with_a_little_jitter_and_a_cap(settings):
    settings.ACCORD_WEBHOOK_RETRY_BASE_S = 30

    delays = [retry_delay(attempt) for attempt in (1, 2, 3, 4, 12)]

    for delay, base in zip(delays, (30, 60, 120, 240, 3600), strict=True):
        assert base <= delay <= base * 1.1


def test_the_last_failed_attempt_marks_the_delivery_failed_with_status_and_error(project, lead, django_capture_on_commit_callbacks):
    with receiver([500]) as hub:
        hook = _hook(project, lead, hub.url)
        with django_capture_on_commit_callbacks(execute=True):
            delivery = webhook_ping(webhook=hook, actor=lead)

    delivery.refresh_from_db()
    assert len(hub.received) == 4  # ACCORD_WEBHOOK_MAX_ATTEMPTS
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 4, 500)
    assert "HTTP 500: receiver says no" in delivery.error
    assert delivery.finished_at is not None
    assert delivery.next_attempt_at is None


def test_a_4xx_is_not_retried(project, lead, django_capture_on_commit_callbacks):
    with receiver([404]) as hub:
        hook = _hook(project, lead, hub.url)
        with django_capture_on_commit_callbacks(execute=True):
            delivery = webhook_ping(webhook=hook, actor=lead)

    delivery.refresh_from_db()
    assert len(hub.received) == 1
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 1, 404)


def test_an_unreachable_receiver_is_retried_and_its_error_kept(project, lead, django_capture_on_commit_callbacks):
    with receiver() as hub:
        url = hub.url  # the port is free again once the receiver stops
    hook = _hook(project, lead, url)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = webhook_ping(webhook=hook, actor=lead)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 4, None)
    assert "ConnectionRefusedError" in delivery.error


def test_a_second_run_of_a_finished_delivery_sends_nothing(project, lead, django_capture_on_commit_callbacks):
    with receiver([200]) as hub:
        hook = _hook(project, lead, hub.url)
        with django_capture_on_commit_callbacks(execute=True):
            delivery = webhook_ping(webhook=hook, actor=lead)
        assert delivery_attempt(delivery_id=delivery.pk) is None
        assert delivery_attempt(delivery_id=delivery.pk + 1000) is None  # gone: nothing to do

    assert len(hub.received) == 1


def test_a_duplicate_message_during_the_backoff_sends_nothing(project, lead, settings):
    settings.ACCORD_WEBHOOK_RETRY_BASE_S = 60
    with receiver([500, 200]) as hub:
        hook = _hook(project, lead, hub.url)
        delivery = webhook_ping(webhook=hook, actor=lead)  # no commit here: nothing sent yet
        assert delivery_attempt(delivery_id=delivery.pk) >= 60
        assert delivery_attempt(delivery_id=delivery.pk) is None  # early: the backoff holds

    delivery.refresh_from_db()
    assert len(hub.received) == 1
    assert (delivery.status, delivery.attempts) == ("pending", 1)


def test_the_task_runs_by_name_with_arguments_that_survived_a_json_round_trip(project, lead):
    app.loader.import_default_modules()
    with receiver([200]) as hub:
        delivery = webhook_ping(webhook=_hook(project, lead, hub.url), actor=lead)  # not sent yet
        app.tasks[DELIVER_TASK].apply(args=json.loads(json.dumps([delivery.pk])), throw=True)

    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    assert len(hub.received) == 1


def test_a_redelivery_is_a_new_row_with_the_same_event_id(project, lead, django_capture_on_commit_callbacks):
    with receiver([404, 200]) as hub:
        hook = _hook(project, lead, hub.url)
        with django_capture_on_commit_callbacks(execute=True):
            first = webhook_ping(webhook=hook, actor=lead)
        with django_capture_on_commit_callbacks(execute=True):
            again = delivery_redeliver(delivery=first, actor=lead)

    first.refresh_from_db()
    again.refresh_from_db()
    assert (first.status, again.status) == ("failed", "succeeded")
    assert again.event_id == first.event_id
    assert again.redelivery_of_id == first.pk
    assert [json.loads(r.body)["id"] for r in hub.received] == [str(first.event_id)] * 2


def test_the_sweep_resends_a_delivery_whose_task_was_lost(project, lead, django_capture_on_commit_callbacks):
    with receiver([200]) as hub:
        hook = _hook(project, lead, hub.url)
        delivery = webhook_ping(webhook=hook, actor=lead)  # its task never runs (no commit)
        assert deliveries_sweep() == []  # too fresh to be lost
        swept = deliveries_sweep(now=timezone.now() + timedelta(minutes=5))

    delivery.refresh_from_db()
    assert swept == [delivery.pk]
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert len(hub.received) == 1


@pytest.mark.parametrize(
    ("url", "allow_private", "problem"),
    [
        ("http://169.254.169.254/latest/meta-data/", True, "link-local"),
        ("http://[fe80::1]/hook", True, "link-local"),
        ("http://[::ffff:169.254.169.254]/", True, "link-local"),
        ("http://100.100.100.200/", True, "metadata"),
        ("http://127.0.0.1:8000/hook", False, "ACCORD_WEBHOOK_ALLOW_PRIVATE"),
        ("http://10.1.2.3/hook", False, "ACCORD_WEBHOOK_ALLOW_PRIVATE"),
        ("http://localhost:9/hook", False, "ACCORD_WEBHOOK_ALLOW_PRIVATE"),
        ("http://0.0.0.0/", True, "unspecified"),
        ("ftp://example.org/hook", True, "http:// or https://"),
        ("file:///etc/passwd", True, "http:// or https://"),
        ("http://user:pw@127.0.0.1/", True, "credentials"),
    ],
)
def test_refused_addresses_are_never_called(settings, url, allow_private, problem):
    settings.ACCORD_WEBHOOK_ALLOW_PRIVATE = allow_private
    with pytest.raises(UrlRefused, match=problem):
        resolve(url)


def test_a_hook_whose_host_now_resolves_to_a_refused_address_fails_without_a_request(project, lead, settings, django_capture_on_commit_callbacks):
    with receiver([200]) as hub:
        hook = _hook(project, lead, hub.url)
        settings.ACCORD_WEBHOOK_ALLOW_PRIVATE = False  # as if its DNS answer had changed
        with django_capture_on_commit_callbacks(execute=True):
            delivery = webhook_ping(webhook=hook, actor=lead)

    delivery.refresh_from_db()
    assert hub.received == []
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "loopback and private addresses are refused" in delivery.error
    assert WebhookDelivery.objects.count() == 1


def test_a_delivery_whose_attempts_ran_out_without_a_result_is_failed_not_retried(project, lead):
    hook = _hook(project, lead, "http://127.0.0.1:9/h")
    delivery = webhook_ping(webhook=hook, actor=lead)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=4)  # as if each worker died

    assert delivery_attempt(delivery_id=delivery.pk) is None

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == ("failed", 4, "No answer recorded")
