"""A new lead sets a project up in the browser: create, import (with a broken line), members, dashboard."""

from __future__ import annotations

import json

import pytest

import labeling.tasks  # noqa: F401 - registers the import task for eager runs by name
from config.celery import app as celery_app
from labeling.models import Item, Membership, Project, Role
from tests.factories import AnnotationFactory, UserFactory, project_creator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def eager_celery_in_the_server_thread():
    """The live server runs in another thread, where Celery's thread-local current app is unset;
    make the (eager) project app the default so the import job runs there, in-process."""
    assert "labeling.run_import_job" in celery_app.tasks
    celery_app.set_default()

GOOD_LINES = [
    {"id": "r1", "data": {"text": "Loved every minute."}},
    {"id": "r2", "data": {"text": "Dull and far too long."}},
    {"id": "r3", "data": {"text": "It was fine, I suppose."}},
]


def _jsonl(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _upload(page, name: str, content: bytes) -> None:
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "application/x-ndjson", "buffer": content}])
    page.click("#upload-button")


def test_new_lead_creates_a_project_imports_adds_members_and_reads_the_dashboard(
    page, login, screenshot
):
    project_creator("newlead")  # the site permission to create projects
    annotators = (UserFactory(username="ann1", email="ann1@example.org"), UserFactory(username="ann2"))
    login(page, "newlead")
    project = _create_project(page)
    _import_fixing_a_broken_line(page, project, screenshot)
    _add_two_annotators(page, project)
    _annotate(project, annotators)
    page.click("nav >> text=Dashboard")
    assert page.locator("#stat-done strong").inner_text() == "2"
    assert page.locator("#stat-remaining strong").inner_text() == "1"
    labels_chart = page.locator("#chart-labels svg").inner_html()
    assert "positive: 2" in labels_chart
    assert "mixed: 1" in labels_chart
    screenshot(page, "lead_dashboard")


def _create_project(page) -> Project:
    """From the home page, with three labels (one added with the button) and overlap 2."""
    page.click("#new-project")
    page.fill("#id_name", "Film reviews")
    page.fill("#id_labels-0-value", "positive")
    page.fill("#id_labels-0-hotkey", "1")
    page.fill("#id_labels-1-value", "negative")
    page.fill("#id_labels-1-hotkey", "2")
    page.click("#add-label")
    page.locator("#label-rows .label-row").last.locator("input[name$='-value']").fill("mixed")
    page.fill("#id_overlap", "2")
    page.click("#save-project")
    project = Project.objects.get(name="Film reviews")
    page.wait_for_url(f"{page.base}/projects/{project.pk}/data/")
    assert Membership.objects.get(project=project, role=Role.LEAD).user.username == "newlead"
    assert [label["value"] for label in project.schema["labels"]] == ["positive", "negative", "mixed"]
    assert [label["color"] for label in project.schema["labels"]][:2] == ["#0072b2", "#e69f00"]
    assert project.overlap == 2
    return project


def _import_fixing_a_broken_line(page, project: Project, screenshot) -> None:
    """A broken second line: its number is shown and nothing is written; the fixed file imports."""
    broken = [json.dumps(GOOD_LINES[0]), '{"id": "r2", "data": {"text": "Dull', json.dumps(GOOD_LINES[2])]
    _upload(page, "reviews.jsonl", _jsonl(broken))
    errors = page.locator(".import-errors")
    errors.wait_for()
    assert "Line 2" in errors.inner_text()
    assert Item.objects.filter(project=project).count() == 0
    screenshot(page, "lead_import_error")
    _upload(page, "reviews.jsonl", _jsonl([json.dumps(line) for line in GOOD_LINES]))
    page.locator(".import-counts").wait_for()
    assert "3 items" in page.locator(".import-counts").inner_text()
    page.reload()
    assert page.locator(".item-row").count() == 3


def _add_two_annotators(page, project: Project) -> None:
    page.click("nav >> text=Members")
    for who in ("ann1@example.org", "ann2"):
        page.fill("#id_who", who)
        page.select_option("#id_role", "annotator")
        page.click("#add-member button[type=submit]")
    assert page.locator(".member-row").count() == 3
    roles = dict(Membership.objects.filter(project=project).values_list("user__username", "role"))
    assert roles == {"newlead": "lead", "ann1": "annotator", "ann2": "annotator"}


def _annotate(project: Project, annotators) -> None:
    """Two of the three items get both annotations (as if submitted)."""
    items = list(Item.objects.filter(project=project).order_by("id"))
    for item, labels in zip(items[:2], [("positive", "positive"), ("negative", "mixed")], strict=True):
        for user, label in zip(annotators, labels, strict=True):
            AnnotationFactory(item=item, annotator=user, value={"label": label}, lead_time_ms=4000)
        Item.objects.filter(pk=item.pk).update(annotation_count=2)
