"""Webhooks in Chromium: a lead adds one from the settings page, copies the secret, sends a
test ping to a real loopback receiver and reads the delivery in the log."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from labeling.models import Role, Webhook
from labeling.services.webhooks import webhook_create, webhook_ping
from labeling.webhooks.signing import signature_valid
from tests.browser.test_accessibility import audit, report, visit_all  # noqa: F401 - audit is a fixture
from tests.factories import MembershipFactory, ProjectFactory, UserFactory
from tests.webhook_receiver import receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_adds_a_webhook_pings_it_and_reads_the_log(page, login, settings, screenshot):
    settings.ACCORD_WEBHOOK_ALLOW_PRIVATE = True
    project = ProjectFactory(name="Hooked")
    MembershipFactory(project=project, user=UserFactory(username="hooklead"), role=Role.LEAD)
    login(page, "hooklead")

    with receiver([200]) as hub:
        page.goto(f"{page.base}/projects/{project.pk}/settings/")
        page.click("#webhooks-link a")
        page.fill("#id_url", hub.url)
        page.check("input[name=events][value='item.settled']")
        page.click("#add-webhook button[type=submit]")
        secret = page.input_value("#secret-value")
        assert secret == Webhook.objects.get().secret
        page.click("#open-created")
        page.click("#ping-webhook button")
        page.wait_for_selector(".delivery-row")
        screenshot(page, "webhook-log")
        row = page.inner_text(".delivery-row")

    [got] = hub.received
    assert signature_valid(secret, int(got.headers["X-Accord-Timestamp"]), got.body, got.headers["X-Accord-Signature"])
    assert json.loads(got.body)["event"] == "ping"
    assert "ping" in row
    assert "Succeeded" in row
    assert "200" in row
    page.reload()
    assert secret not in page.content()


def test_the_webhook_pages_pass_axe(page, login, audit, project, lead, settings):  # noqa: F811 - the fixture
    settings.ACCORD_WEBHOOK_ALLOW_PRIVATE = True
    settings.ACCORD_WEBHOOK_MAX_ATTEMPTS = 1
    hook = webhook_create(project=project, actor=lead, url="http://127.0.0.1:9/h", events=["item.settled"])
    webhook_ping(webhook=hook, actor=lead)  # the live server's transaction commits: sent, refused
    login(page, "lead")
    pages = [
        ("webhooks", reverse("lead-webhooks", args=[project.pk]), "#webhook-list"),
        ("webhook", reverse("lead-webhook", args=[project.pk, hook.pk]), ".delivery-row"),
    ]
    visit_all(page, audit, pages)
    page.goto(f"{page.base}{pages[0][1]}")
    page.fill("#id_url", "http://127.0.0.1:9/second")
    page.click("#add-webhook button[type=submit]")  # no event chosen: errors beside the fields
    page.wait_for_selector("#error-events")
    errors = audit("webhook form errors")
    page.check("input[name=events][value='job.finished']")
    page.click("#add-webhook button[type=submit]")
    page.wait_for_selector("#secret-value")
    found = errors + audit("webhook secret shown once")
    assert not found, report(found)
