"""The Webhooks section of the settings: add (secret shown once), edit, ping, log, delete."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from labeling.models import Webhook, WebhookDelivery
from labeling.services.webhooks import webhook_create, webhook_ping
from tests.webhook_receiver import receiver


@pytest.fixture(autouse=True)
def _loopback(settings):
    settings.ACCORD_WEBHOOK_ALLOW_PRIVATE = True
    settings.ACCORD_WEBHOOK_RETRY_BASE_S = 0
    settings.ACCORD_WEBHOOK_MAX_ATTEMPTS = 1


@pytest.fixture
def page(lead):
    client = Client()
    client.force_login(lead)
    return client


def test_the_settings_page_links_to_the_webhooks(project, page):
    html = page.get(reverse("lead-settings", args=[project.pk])).content.decode()

    assert reverse("lead-webhooks", args=[project.pk]) in html
    webhooks = page.get(reverse("lead-webhooks", args=[project.pk])).content.decode()
    assert 'id="nav-lead-settings" aria-current="page"' in webhooks


def test_adding_a_hook_shows_its_generated_secret_once(project, page):
    url = reverse("lead-webhooks", args=[project.pk])

    response = page.post(url, {"url": "http://127.0.0.1:9/h", "events": ["annotation.created", "item.settled"], "is_active": "on"})

    hook = Webhook.objects.get()
    assert response.status_code == 201
    assert hook.secret in response.content.decode()
    assert hook.events == ["annotation.created", "item.settled"]
    later = page.get(url).content.decode() + page.get(reverse("lead-webhook", args=[project.pk, hook.pk])).content.decode()
    assert hook.secret not in later
    assert "http://127.0.0.1:9/h" in later


def test_a_form_without_events_or_with_a_bad_url_is_refused_with_its_reasons(project, page):
    url = reverse("lead-webhooks", args=[project.pk])

    no_events = page.post(url, {"url": "http://127.0.0.1:9/h"})
    bad_url = page.post(url, {"url": "gopher://x/", "events": ["item.settled"]})

    assert no_events.status_code == bad_url.status_code == 400
    assert 'id="error-events"' in no_events.content.decode()
    assert "http:// or https://" in bad_url.content.decode()
    assert Webhook.objects.count() == 0


def test_editing_keeps_the_secret_unless_a_new_one_is_typed(project, lead, page):
    hook = webhook_create(project=project, actor=lead, url="http://127.0.0.1:9/h", events=["item.settled"], secret="k" * 20)
    url = reverse("lead-webhook", args=[project.pk, hook.pk])

    kept = page.post(url, {"url": "http://127.0.0.1:9/other", "events": ["job.finished"]})
    hook.refresh_from_db()
    assert kept.status_code == 302
    assert (hook.url, hook.events, hook.is_active, hook.secret) == ("http://127.0.0.1:9/other", ["job.finished"], False, "k" * 20)

    changed = page.post(url, {"url": hook.url, "events": ["job.finished"], "secret": "n" * 20, "is_active": "on"})
    hook.refresh_from_db()
    assert changed.status_code == 200
    assert hook.secret == "n" * 20
    assert "n" * 20 in changed.content.decode()  # shown once, right after it was set


def test_a_test_ping_lands_in_the_log_with_its_answer_escaped(project, lead, page, django_capture_on_commit_callbacks):
    with receiver([500]) as hub:
        hook = webhook_create(project=project, actor=lead, url=hub.url, events=["item.settled"])
        with django_capture_on_commit_callbacks(execute=True):
            response = page.post(reverse("lead-webhook-ping", args=[project.pk, hook.pk]))
    WebhookDelivery.objects.update(error="HTTP 500: <script>alert(1)</script>")

    html = page.get(response.headers["Location"]).content.decode()

    assert len(hub.received) == 1
    assert 'class="delivery-row status-failed"' in html
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html
    assert "Redeliver" in html


def test_the_log_pages_back_through_older_deliveries(project, lead, page):
    hook = webhook_create(project=project, actor=lead, url="http://127.0.0.1:9/h", events=["item.settled"])
    ids = [webhook_ping(webhook=hook, actor=lead).pk for _ in range(27)]  # pending: never sent here
    url = reverse("lead-webhook", args=[project.pk, hook.pk])

    first = page.get(url).content.decode()
    older = page.get(url, {"before": ids[2]}).content.decode()

    assert first.count('class="delivery-row') == 25
    assert f'href="?before={ids[2]}"' in first
    assert older.count('class="delivery-row') == 2
    assert 'id="older-deliveries"' not in older


def test_redeliver_and_delete(project, lead, page, django_capture_on_commit_callbacks):
    with receiver([404, 200]) as hub:
        hook = webhook_create(project=project, actor=lead, url=hub.url, events=["item.settled"])
        with django_capture_on_commit_callbacks(execute=True):
            first = webhook_ping(webhook=hook, actor=lead)
        with django_capture_on_commit_callbacks(execute=True):
            page.post(reverse("lead-webhook-redeliver", args=[project.pk, hook.pk, first.pk]))

    assert list(WebhookDelivery.objects.order_by("id").values_list("status", flat=True)) == ["failed", "succeeded"]
    gone = page.post(reverse("lead-webhook-delete", args=[project.pk, hook.pk]))
    assert gone.status_code == 302
    assert Webhook.objects.count() == 0


def test_reviewers_cannot_open_the_webhooks(project, lead, reviewer):
    hook = webhook_create(project=project, actor=lead, url="http://127.0.0.1:9/h", events=["item.settled"])
    client = Client()
    client.force_login(reviewer)

    assert client.get(reverse("lead-webhooks", args=[project.pk])).status_code == 403
    assert client.get(reverse("lead-webhook", args=[project.pk, hook.pk])).status_code == 403


def test_a_missing_hook_is_404(project, page):
    assert page.get(reverse("lead-webhook", args=[project.pk, 999])).status_code == 404
    assert page.post(reverse("lead-webhook-redeliver", args=[project.pk, 999, 1])).status_code == 404
