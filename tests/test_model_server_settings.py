"""Model server settings through PATCH and the pre-label page: validated, audited, the secret
encrypted and never shown back; the read-only token a model server gets at /setup."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from labeling.exceptions import SchemaError
from labeling.models import ApiToken, AuditEntry, ModelServerSecret
from labeling.prelabel.secret_box import SecretUnreadable
from labeling.services import project_settings_merge
from labeling.services.model_server import (
    model_server_config,
    model_server_settings_update,
    model_server_token_issue,
)
from tests.factories import ItemFactory, ProjectFactory

SECRET = "pa55-word-never-shown"


def patch_prelabel(client, project, prelabel):
    return client.patch(
        reverse("api-project", args=[project.pk]), {"settings": {"prelabel": prelabel}}, format="json"
    )


def test_a_lead_sets_basic_auth_through_patch_and_the_password_never_comes_back(api_as, project, lead):
    client = api_as(lead)

    response = patch_prelabel(
        client, project,
        {"url": "http://127.0.0.1:9090", "auth": "basic", "username": "ml", "password": SECRET,
         "timeout": 30, "batch_size": 8},
    )  # fmt: skip

    assert response.status_code == 200, response.content
    prelabel = response.json()["schema"]["settings"]["prelabel"]
    assert prelabel == {
        "url": "http://127.0.0.1:9090", "auth": "basic", "username": "ml", "timeout": 30.0,
        "batch_size": 8, "secret_set": True, "train_on_annotation": True,
    }
    assert SECRET not in client.get(reverse("api-project", args=[project.pk])).content.decode()
    sealed = ModelServerSecret.objects.get(project=project).sealed
    assert SECRET not in sealed
    project.refresh_from_db()
    config = model_server_config(project)
    assert (config.secret, config.basic(), config.timeout, config.batch_size) == (SECRET, ("ml", SECRET), 30.0, 8)


def test_settings_changes_are_audited_without_the_secret(api_as, project, lead):
    patch_prelabel(api_as(lead), project, {"url": "http://m.test", "auth": "bearer", "token": SECRET})

    entry = AuditEntry.objects.get(project=project, action="prelabel.server_update")
    assert entry.actor == lead
    assert entry.after["url"] == "http://m.test"
    assert entry.after["secret"] == "changed"
    assert SECRET not in str(entry.before) + str(entry.after)


def test_patch_explains_each_bad_field(api_as, project, lead):
    response = patch_prelabel(
        api_as(lead), project, {"url": "not a url", "timeout": -1, "batch_size": "many"}
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors["fields"]) == {"url", "timeout", "batch_size"}
    assert "http://" in errors["fields"]["url"]
    assert not ModelServerSecret.objects.exists()


def test_only_leads_change_model_server_settings(api_as, project, lead, annotator):
    response = patch_prelabel(api_as(annotator), project, {"url": "http://m.test"})
    assert response.status_code == 403


def test_other_settings_in_the_same_patch_still_apply(project, lead):
    project = project_settings_merge(
        project=project, actor=lead, settings={"prelabel": {"url": "http://m.test"}, "review_budget": 0.3}
    )
    assert project.settings["review_budget"] == 0.3
    assert project.settings["prelabel"]["url"] == "http://m.test"


def test_a_secret_is_refused_inside_the_schema(project, lead):
    schema = {**project.schema, "settings": {**project.settings, "prelabel": {"url": "http://m", "token": "x"}}}
    from labeling.services import project_settings_update

    with pytest.raises(SchemaError, match="must not hold a password or token"):
        project_settings_update(
            project=project, actor=lead, name=project.name, description="", schema=schema,
            ordering=project.ordering, lease_minutes=project.lease_minutes, gold_rate=project.gold_rate,
        )  # fmt: skip


def test_a_secret_sealed_under_another_secret_key_asks_to_be_entered_again(project, lead, settings):
    model_server_settings_update(project=project, actor=lead, changes={"url": "http://m", "auth": "bearer", "token": "t"})
    settings.SECRET_KEY = "another-secret-key-" * 3
    project.refresh_from_db()
    with pytest.raises(SecretUnreadable, match="enter it again"):
        model_server_config(project)


def test_the_page_form_saves_and_shows_errors_beside_fields(client, project, lead):
    client.force_login(lead)
    url = reverse("prelabel-server", args=[project.pk])

    bad = client.post(url, {"url": "http://m.test", "auth": "bearer", "timeout": "0", "batch_size": "10"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert 'id="error-timeout"' in html
    assert "from 1 to 3600" in html
    assert 'id="error-token"' in html  # bearer without a token

    good = client.post(
        url, {"url": "http://m.test", "auth": "bearer", "token": SECRET, "timeout": "45", "batch_size": "10",
              "train_on_annotation": "on"},
    )  # fmt: skip
    assert good.status_code == 302
    page = client.get(reverse("prelabel", args=[project.pk])).content.decode()
    assert SECRET not in page
    assert "A token is stored" in page
    assert 'value="45"' in page
    project.refresh_from_db()
    assert model_server_config(project).headers() == {"Authorization": f"Bearer {SECRET}"}


def test_an_empty_secret_field_keeps_the_stored_one_and_clear_removes_it(client, project, lead):
    client.force_login(lead)
    url = reverse("prelabel-server", args=[project.pk])
    form = {"url": "http://m.test", "auth": "bearer", "timeout": "100", "batch_size": "50"}
    client.post(url, {**form, "token": SECRET})
    client.post(url, {**form, "token": ""})
    project.refresh_from_db()
    assert model_server_config(project).secret == SECRET

    response = client.post(url, {**form, "auth": "none", "clear_secret": "on"})
    assert response.status_code == 302
    assert not ModelServerSecret.objects.filter(project=project).exists()


def _token_client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_setup_token_reads_only_its_projects_items(project, lead):
    item = ItemFactory(project=project)
    other = ProjectFactory()
    key = model_server_token_issue(project=project, user=lead)
    client = _token_client(key)

    assert client.get(reverse("api-items", args=[project.pk])).status_code == 200
    assert client.get(reverse("api-project", args=[project.pk])).status_code == 200
    # A text item has no image: 404 (the token got through; it was not refused).
    image = client.get(reverse("api-item-image", args=[project.pk, item.pk]))
    assert image.status_code == 404
    assert client.get(reverse("api-items", args=[other.pk])).status_code == 403
    assert client.get(reverse("api-annotations", args=[project.pk])).status_code == 403
    assert client.patch(reverse("api-project", args=[project.pk]), {}, format="json").status_code == 403
    assert client.post(reverse("api-prelabel", args=[project.pk]), {}, format="json").status_code == 403


def test_a_new_setup_token_revokes_the_previous_one(project, lead):
    first = model_server_token_issue(project=project, user=lead)
    second = model_server_token_issue(project=project, user=lead)

    assert _token_client(first).get(reverse("api-items", args=[project.pk])).status_code == 401
    assert _token_client(second).get(reverse("api-items", args=[project.pk])).status_code == 200
    token = ApiToken.objects.get(project=project)
    assert (token.user, token.scope) == (lead, "project_read")


def test_the_setup_token_belongs_to_a_lead_even_when_someone_else_starts(project, lead, annotator):
    model_server_token_issue(project=project, user=annotator)
    assert ApiToken.objects.get(project=project).user == lead
