"""A lead changes every setting on the settings page and reads them back through the API;
archives the project, and deletes it only with its name typed."""

from __future__ import annotations

import pytest

import labeling.tasks  # noqa: F401 - registers the delete task for eager runs by name
from config.celery import app as celery_app
from labeling.models import Membership, Project, Role
from labeling.project_settings import SETTINGS
from tests.factories import ProjectFactory, UserFactory
from tests.test_project_settings import changed_value

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lead_project():
    lead = UserFactory(username="setlead")
    project = ProjectFactory(name="Settings trial")
    Membership.objects.create(project=project, user=lead, role=Role.LEAD)
    return project


def _set(page, setting, value) -> None:
    selector = f"#id_{setting.name}"
    if setting.kind == "bool":
        page.set_checked(selector, bool(value))
    elif setting.kind == "choice":
        page.select_option(selector, value)
    elif setting.kind == "hosts":
        page.fill(selector, " ".join(value))
    else:
        page.fill(selector, str(value))


def test_every_setting_changed_on_the_page_reads_back_through_the_api(page, login, screenshot, lead_project):
    login(page, "setlead")
    page.goto(f"{page.base}/projects/{lead_project.pk}/settings/")
    api_url = f"{page.base}/api/projects/{lead_project.pk}"
    before = page.request.get(api_url).json()["settings"]
    expected = {s.name: changed_value(s, before[s.name]) for s in SETTINGS}
    for setting in SETTINGS:
        _set(page, setting, expected[setting.name])
    page.click("#save-project")
    page.wait_for_url(f"{page.base}/projects/{lead_project.pk}/settings/")
    assert "Settings saved." in page.content()
    after = page.request.get(api_url).json()["settings"]
    assert {name: after[name] for name in expected} == expected
    # The audit table on the page lists each change.
    changed = set(page.locator(".change-row").evaluate_all("rows => rows.map(r => r.dataset.setting)"))
    assert set(expected) <= changed
    screenshot(page, "lead_settings")


def test_an_invalid_value_is_shown_beside_its_field(page, login, lead_project):
    login(page, "setlead")
    page.goto(f"{page.base}/projects/{lead_project.pk}/settings/")
    page.fill("#id_gold_rate", "1.5")
    page.click("#save-project")
    message = page.locator("#field-gold_rate .field-error")
    assert "Gold rate must be from 0 to 1" in message.inner_text()


def test_archive_then_delete_only_with_the_name_typed(page, login, lead_project):
    celery_app.set_default()  # the live server thread runs the (eager) delete task
    login(page, "setlead")
    page.goto(f"{page.base}/projects/{lead_project.pk}/settings/")
    page.click("#archive-project")
    assert page.locator("#archived-notice").is_visible()
    page.goto(f"{page.base}/")
    assert page.locator(f'.project-row[data-project="{lead_project.pk}"]').count() == 0
    page.click("#show-archived")
    assert page.locator(f'.project-row[data-project="{lead_project.pk}"]').count() == 1
    page.goto(f"{page.base}/projects/{lead_project.pk}/settings/delete/")
    page.fill("#id_confirm", "Settings")
    page.click("#confirm-delete-project")
    assert "Type the project's name exactly" in page.locator("#error-confirm").inner_text()
    assert Project.objects.filter(pk=lead_project.pk).exists()
    page.fill("#id_confirm", "Settings trial")
    page.click("#confirm-delete-project")
    page.wait_for_url(f"{page.base}/")
    assert not Project.objects.filter(pk=lead_project.pk).exists()
