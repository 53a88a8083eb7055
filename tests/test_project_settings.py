"""Every project setting is editable on the settings page and through PATCH /api/projects/{id},
validated by one rule set, and every change is in the audit log with its old and new value.

The lists below are built from labeling.project_settings.SETTINGS; the coverage tests fail when
a setting is added to the model, the schema defaults or the flag detectors but not to that list
(and so not to the form and the API).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from frontend.views.lead.forms import ProjectForm
from labeling.models import AuditEntry, Project
from labeling.project_settings import BY_NAME, FLAG_DEFAULTS, SETTINGS, Setting
from labeling.schema import DEFAULT_SETTINGS
from labeling.services import project_settings_values
from tests.factories_settings import setting_post_defaults, setting_post_value

pytestmark = pytest.mark.django_db

# Project fields that are not settings: identity, the schema itself, bookkeeping (the webhook
# events are derived from the project's webhooks, which have their own pages), lifecycle.
NOT_SETTINGS = {
    "id", "name", "description", "schema", "guideline_version", "created_by", "created_at",
    "webhook_events", "archived_at", "deleting",
}  # fmt: skip
NAMES = [setting.name for setting in SETTINGS]


def changed_value(setting: Setting, current: Any = None) -> Any:
    """A valid value different from the default and from `current`."""
    if setting.name == "max_overlap":
        return 5  # escalation must reach at least the overlap (3)
    if setting.kind == "bool":
        return not setting.default
    if setting.kind == "choice":
        return next(name for name, _ in setting.choices if name not in (setting.default, current))
    if setting.kind == "hosts":
        return ["img.example.org"]
    if setting.kind == "int":
        return min(int(setting.default) + 1, int(setting.high))  # type: ignore[arg-type]
    return 0.35 if setting.default != 0.35 else 0.45


def invalid_value(setting: Setting) -> Any:
    if setting.kind == "bool":
        return "maybe"
    if setting.kind == "choice":
        return "bogus"
    if setting.kind == "hosts":
        return ["not a host!"]
    return setting.high + 1  # type: ignore[operator]


def test_every_project_column_that_is_a_setting_is_listed():
    columns = {field.name for field in Project._meta.concrete_fields} - NOT_SETTINGS
    assert columns - set(BY_NAME) == set()


def test_every_schema_setting_and_flag_parameter_is_listed():
    assert set(DEFAULT_SETTINGS) - set(BY_NAME) == set()
    for reason, params in FLAG_DEFAULTS.items():
        assert {f"{reason}_{param}" for param in params} <= set(BY_NAME)
    assert "retrain_every" in BY_NAME


def test_the_settings_form_has_a_field_for_every_setting():
    assert set(NAMES) - set(ProjectForm().fields) == set()


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _page_post(project: Project, **overrides: Any) -> dict[str, str]:
    values = {
        name: setting_post_value(BY_NAME[name].kind, value)
        for name, value in project_settings_values(project).items()
    }
    data = {
        "name": project.name, "description": project.description, "kind": "single",
        "data_type": "text", "scale_min": "1", "scale_max": "5", "level": "ordinal",
        **{name: value for name, value in values.items() if value is not None},
        "labels-TOTAL_FORMS": "3", "labels-INITIAL_FORMS": "3",
    }  # fmt: skip
    for index, label in enumerate(project.schema["labels"]):
        data[f"labels-{index}-value"] = data[f"labels-{index}-original"] = label["value"]
        data[f"labels-{index}-ORDER"] = str(index + 1)
        data[f"labels-{index}-hotkey"] = label.get("hotkey", "")
    for name, value in overrides.items():
        data.pop(name, None)
        posted = setting_post_value(BY_NAME[name].kind, value)
        if posted is not None:
            data[name] = posted
    return data


@pytest.mark.parametrize("name", NAMES)
def test_each_setting_is_changed_on_the_settings_page(project, lead, name):
    setting = BY_NAME[name]
    old = project_settings_values(project)[name]
    new = changed_value(setting, old)
    url = reverse("lead-settings", kwargs={"project_id": project.pk})
    response = _client(lead).post(url, _page_post(project, **{name: new}))
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert project_settings_values(project)[name] == new
    entry = AuditEntry.objects.filter(project=project, action="project.settings_update").latest("id")
    assert (entry.before, entry.after) == ({name: old}, {name: new})


@pytest.mark.parametrize("name", [s.name for s in SETTINGS if s.kind not in ("bool", "choice")])
def test_an_invalid_value_on_the_page_is_shown_beside_its_field(project, lead, name):
    setting = BY_NAME[name]
    bad = invalid_value(setting)
    url = reverse("lead-settings", kwargs={"project_id": project.pk})
    data = _page_post(project)
    data[name] = " ".join(bad) if isinstance(bad, list) else str(bad)
    response = _client(lead).post(url, data)
    assert response.status_code == 400
    assert f'id="error-{name}"' in response.content.decode()
    assert not AuditEntry.objects.filter(project=project, action="project.settings_update").exists()


@pytest.mark.parametrize("name", NAMES)
def test_each_setting_is_changed_through_patch(project, lead, api, name):
    setting = BY_NAME[name]
    old = project_settings_values(project)[name]
    new = changed_value(setting, old)
    api.force_authenticate(lead)
    url = reverse("api-project", kwargs={"project_id": project.pk})
    response = api.patch(url, {"settings": {name: new}}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["settings"][name] == new
    assert api.get(url).json()["settings"][name] == new
    entry = AuditEntry.objects.filter(project=project, action="project.settings_update").latest("id")
    assert (entry.before, entry.after) == ({name: old}, {name: new})
    assert entry.actor == lead


@pytest.mark.parametrize("name", NAMES)
def test_an_invalid_value_through_patch_is_refused_naming_the_setting(project, lead, api, name):
    api.force_authenticate(lead)
    url = reverse("api-project", kwargs={"project_id": project.pk})
    before = project_settings_values(project)
    response = api.patch(url, {"settings": {name: invalid_value(BY_NAME[name])}}, format="json")
    assert response.status_code == 400
    assert name in response.json()["errors"]["fields"]
    project.refresh_from_db()
    assert project_settings_values(project) == before


def test_patch_takes_the_stored_shape_and_keeps_other_flag_overrides(project, lead, api):
    api.force_authenticate(lead)
    url = reverse("api-project", kwargs={"project_id": project.pk})
    api.patch(url, {"settings": {"flags": {"low_agreement": {"threshold": 0.4}}}}, format="json")
    body = api.patch(url, {"settings": {"flags": {"unsure": {"enabled": False}}}}, format="json").json()
    assert body["settings"]["low_agreement_threshold"] == 0.4
    assert body["settings"]["unsure_enabled"] is False


def test_patch_lists_every_bad_setting_at_once(project, lead, api):
    api.force_authenticate(lead)
    url = reverse("api-project", kwargs={"project_id": project.pk})
    response = api.patch(url, {"settings": {"gold_rate": 2, "lease_minutes": 0}}, format="json")
    assert set(response.json()["errors"]["fields"]) == {"gold_rate", "lease_minutes"}


def test_escalation_below_the_overlap_is_refused_on_page_and_api(project, lead, api):
    api.force_authenticate(lead)
    url = reverse("api-project", kwargs={"project_id": project.pk})
    response = api.patch(url, {"settings": {"max_overlap": 2}}, format="json")
    assert "at least the overlap" in response.json()["errors"]["fields"]["max_overlap"]
    page = _client(lead).post(
        reverse("lead-settings", kwargs={"project_id": project.pk}), _page_post(project, max_overlap=2)
    )
    assert page.status_code == 400
    assert "at least the overlap" in page.content.decode()


def test_the_gold_rate_change_is_audited_with_old_and_new_value(project, lead, api):
    api.force_authenticate(lead)
    api.patch(reverse("api-project", kwargs={"project_id": project.pk}), {"settings": {"gold_rate": 0.2}}, format="json")
    entry = AuditEntry.objects.get(project=project, action="project.settings_update")
    assert (entry.before, entry.after) == ({"gold_rate": 0.0}, {"gold_rate": 0.2})
    page = _client(lead).get(reverse("lead-settings", kwargs={"project_id": project.pk})).content.decode()
    assert 'data-setting="gold_rate"' in page
    logged = api.get(reverse("api-audit", kwargs={"project_id": project.pk})).json()["results"]
    assert any(row["action"] == "project.settings_update" and row["after"] == {"gold_rate": 0.2} for row in logged)


def test_a_setting_unchanged_writes_no_audit_entry(project, lead, api):
    api.force_authenticate(lead)
    api.patch(reverse("api-project", kwargs={"project_id": project.pk}), {"settings": {"gold_rate": 0.0}}, format="json")
    assert not AuditEntry.objects.filter(project=project, action="project.settings_update").exists()


@pytest.mark.parametrize("role", ["reviewer", "annotator"])
def test_only_leads_change_settings(project, reviewer, annotator, api, role):
    api.force_authenticate(reviewer if role == "reviewer" else annotator)
    url = reverse("api-project", kwargs={"project_id": project.pk})
    assert api.patch(url, {"settings": {"gold_rate": 0.5}}, format="json").status_code == 403
    assert setting_post_defaults()  # the helper covers every setting


def test_retrain_every_and_the_model_server_share_the_prelabel_object(project, lead, api):
    api.force_authenticate(lead)
    url = reverse("api-project", kwargs={"project_id": project.pk})
    body = {"settings": {"prelabel": {"url": "http://m.test", "retrain_every": 50}}}
    response = api.patch(url, body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["settings"]["retrain_every"] == 50
    project.refresh_from_db()
    assert project.settings["prelabel"]["url"] == "http://m.test"
    assert project.settings["prelabel"]["retrain_every"] == 50
    # Saving the settings page keeps the model server's fields.
    page = _client(lead).post(reverse("lead-settings", kwargs={"project_id": project.pk}), _page_post(project, retrain_every=70))
    assert page.status_code == 302
    project.refresh_from_db()
    assert (project.settings["prelabel"]["url"], project.settings["prelabel"]["retrain_every"]) == ("http://m.test", 70)
