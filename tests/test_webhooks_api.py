"""The webhook API: leads register hooks (the secret shown once), ping them, read the log."""

from __future__ import annotations

import pytest

from labeling.models import AuditEntry, Webhook, WebhookDelivery
from tests.factories import MembershipFactory, ProjectFactory, UserFactory
from tests.webhook_receiver import receiver


@pytest.fixture(autouse=True)
def _loopback(settings):
    settings.ACCORD_WEBHOOK_ALLOW_PRIVATE = True
    settings.ACCORD_WEBHOOK_RETRY_BASE_S = 0
    settings.ACCORD_WEBHOOK_MAX_ATTEMPTS = 2


def _url(project, *rest):
    return "/".join([f"/api/projects/{project.pk}/webhooks", *map(str, rest)])


def test_a_lead_registers_a_hook_and_sees_its_secret_only_in_the_answer(project, lead, api_as):
    client = api_as(lead)

    created = client.post(_url(project), {"url": "http://127.0.0.1:9/h", "events": ["item.settled"]}, format="json")

    assert created.status_code == 201
    body = created.json()
    assert len(body["secret"]) >= 40
    assert body["events"] == ["item.settled"]
    assert Webhook.objects.get().secret == body["secret"]
    listed = client.get(_url(project)).json()
    assert [hook["id"] for hook in listed["results"]] == [body["id"]]
    assert "secret" not in listed["results"][0]
    assert "secret" not in client.get(_url(project, body["id"])).json()
    assert body["secret"] not in str(AuditEntry.objects.values_list("after", flat=True))


def test_a_chosen_secret_is_kept_and_a_change_never_echoes_it(project, lead, api_as):
    client = api_as(lead)
    hook = client.post(_url(project), {"url": "http://127.0.0.1:9/h", "events": ["job.finished"], "secret": "s" * 20}, format="json").json()

    changed = client.patch(_url(project, hook["id"]), {"secret": "t" * 24, "events": ["job.finished", "ping"]}, format="json")
    assert changed.status_code == 400  # "ping" is not an event a hook subscribes to
    changed = client.patch(_url(project, hook["id"]), {"secret": "t" * 24, "is_active": False}, format="json")

    assert hook["secret"] == "s" * 20
    assert changed.status_code == 200
    assert "secret" not in changed.json()
    assert changed.json()["is_active"] is False
    assert Webhook.objects.get().secret == "t" * 24


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/h", "http:// or https://"),
        ("http://169.254.169.254/latest", "link-local"),
        ("not a url", "http:// or https://"),
        ("http://exa mple.org/h", "valid URL"),
        ("https://example.org/" + "a" * 2000, "2000"),
    ],
)
def test_refused_urls_answer_400_with_the_reason(project, lead, api_as, url, message):
    response = api_as(lead).post(_url(project), {"url": url, "events": ["item.settled"]}, format="json")

    assert response.status_code == 400
    assert message in str(response.json())
    assert Webhook.objects.count() == 0


def test_private_addresses_are_refused_when_not_allowed(project, lead, api_as, settings):
    settings.ACCORD_WEBHOOK_ALLOW_PRIVATE = False

    response = api_as(lead).post(_url(project), {"url": "http://10.0.0.5/h", "events": ["item.settled"]}, format="json")

    assert response.status_code == 400
    assert "ACCORD_WEBHOOK_ALLOW_PRIVATE" in response.json()["detail"]


def test_a_ping_is_delivered_and_logged_and_can_be_redelivered(project, lead, api_as, django_capture_on_commit_callbacks):
    client = api_as(lead)
    with receiver([200]) as hub:
        hook = client.post(_url(project), {"url": hub.url, "events": ["item.settled"]}, format="json").json()
        with django_capture_on_commit_callbacks(execute=True):
            ping = client.post(_url(project, hook["id"], "ping"))
        with django_capture_on_commit_callbacks(execute=True):
            again = client.post(_url(project, hook["id"], "deliveries", ping.json()["id"], "redeliver"))

    assert ping.status_code == 202
    assert again.status_code == 202
    log = client.get(_url(project, hook["id"], "deliveries")).json()["results"]
    assert [row["id"] for row in log] == [again.json()["id"], ping.json()["id"]]  # newest first
    assert [row["status"] for row in log] == ["succeeded", "succeeded"]
    assert log[0]["event_id"] == log[1]["event_id"]
    assert log[0]["redelivery_of"] == log[1]["id"]
    assert len(hub.received) == 2


def test_the_delivery_log_is_paged_by_cursor(project, lead, api_as):
    client = api_as(lead)
    hook = client.post(_url(project), {"url": "http://127.0.0.1:9/h", "events": ["item.settled"]}, format="json").json()
    for _ in range(3):
        client.post(_url(project, hook["id"], "ping"))  # not committed in this test: stays pending

    first = client.get(_url(project, hook["id"], "deliveries"), {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    ids = [row["id"] for row in first["results"] + second["results"]]
    assert ids == sorted(WebhookDelivery.objects.values_list("id", flat=True), reverse=True)
    assert second["next"] is None


def test_a_deleted_hook_takes_its_log_with_it(project, lead, api_as):
    client = api_as(lead)
    hook = client.post(_url(project), {"url": "http://127.0.0.1:9/h", "events": ["item.settled"]}, format="json").json()
    client.post(_url(project, hook["id"], "ping"))

    assert client.delete(_url(project, hook["id"])).status_code == 204
    assert (Webhook.objects.count(), WebhookDelivery.objects.count()) == (0, 0)


def test_reviewers_and_annotators_get_403_and_outsiders_404(project, lead, reviewer, annotator, outsider, api_as):
    body = {"url": "http://127.0.0.1:9/h", "events": ["item.settled"]}
    answers = {user.username: api_as(user).post(_url(project), body, format="json").status_code for user in (reviewer, annotator, outsider)}
    answers |= {f"{user.username} list": api_as(user).get(_url(project)).status_code for user in (reviewer, annotator, outsider)}

    assert answers == {
        "reviewer": 403, "annotator1": 403, "outsider": 404,
        "reviewer list": 403, "annotator1 list": 403, "outsider list": 404,
    }


def test_a_hook_of_another_project_is_not_found(project, lead, api_as):
    other = ProjectFactory()
    MembershipFactory(project=other, user=UserFactory(username="other-lead"), role="lead")
    theirs = api_as(UserFactory(username="other-lead")).post(
        _url(other), {"url": "http://127.0.0.1:9/h", "events": ["item.settled"]}, format="json"
    ).json()

    assert api_as(lead).get(_url(project, theirs["id"])).status_code == 404
    assert api_as(lead).get(_url(project, theirs["id"], "deliveries")).status_code == 404
