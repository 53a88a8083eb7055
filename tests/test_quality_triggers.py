"""What recomputes aggregates, p_wrong and flags: settings saved (page and API), an import with
annotations, a finished pre-label job. Celery is eager in tests, so each finishes before return."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from labeling import events
from labeling.models import Item, JobStatus
from labeling.services import prelabel as prelabel_service
from labeling.services import project_settings_merge
from labeling.services.imports import import_file
from tests.factories import AnnotationFactory, ItemFactory, UserFactory
from tests.factories_import import item_line, jsonl_write
from tests.factories_prelabel import labeled_items
from tests.factories_settings import setting_post_defaults

SETTINGS_POST = {
    "name": "Reviews", "description": "", "kind": "single", "data_type": "text",
    "scale_min": "1", "scale_max": "5", "level": "ordinal", **setting_post_defaults(),
    "aggregation": "majority", "low_agreement_threshold": "0.6", "review_budget": "0.3",
    "labels-TOTAL_FORMS": "3", "labels-INITIAL_FORMS": "3",
    "labels-0-value": "positive", "labels-0-original": "positive", "labels-0-ORDER": "1",
    "labels-1-value": "negative", "labels-1-original": "negative", "labels-1-ORDER": "2",
    "labels-2-value": "neutral", "labels-2-original": "neutral", "labels-2-ORDER": "3",
}  # fmt: skip


@pytest.fixture
def stale(project):
    """Labelled items whose aggregates, p_wrong and flags were never computed."""
    items = []
    for names in (["positive"] * 3, ["positive"] * 3, ["positive", "negative", "neutral"]):
        item = ItemFactory(project=project)
        for i, name in enumerate(names):
            AnnotationFactory(
                item=item, annotator=UserFactory(username=f"t{i}"), value={"label": name}
            )
        items.append(item)
    return items


def computed(project) -> bool:
    return not Item.objects.filter(project=project, annotation_count__gte=0, p_wrong=None).exists()


@pytest.fixture
def sent(monkeypatch):
    """Names of the tasks labeling enqueues (not run)."""
    names: list[str] = []
    monkeypatch.setattr(events, "enqueue", lambda name, args, **kw: names.append(name))
    return names


def test_saving_the_settings_page_recomputes_p_wrong_and_flags(
    project, lead, stale, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(lead)
    url = reverse("lead-settings", kwargs={"project_id": project.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**SETTINGS_POST, "name": project.name})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.settings["review_budget"] == 0.3
    assert computed(project)
    assert stale[2].flags.filter(reason="high_risk").exists()


def test_patching_settings_through_the_api_recomputes(
    project, lead, stale, api_as, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(lead).patch(
            f"/api/projects/{project.pk}",
            {"settings": {"review_budget": 0.4, "aggregation": "auto"}},
            format="json",
        )
    assert response.status_code == 200
    assert response.json()["schema"]["settings"]["review_budget"] == 0.4
    assert computed(project)


def test_only_leads_may_patch_settings_and_bad_values_are_refused(project, lead, reviewer, api_as):
    url = f"/api/projects/{project.pk}"
    body = {"settings": {"review_budget": 0.4}}
    assert api_as(reviewer).patch(url, body, format="json").status_code == 403
    bad = api_as(lead).patch(url, {"settings": {"review_budget": 1.5}}, format="json")
    assert bad.status_code == 400
    assert "review_budget" in bad.content.decode()


def test_a_save_that_changes_no_quality_setting_does_not_recompute(project, lead, sent):
    project_settings_merge(project=project, actor=lead, settings={"overlap": 4})
    assert "review.refresh_project" not in sent
    project_settings_merge(project=project, actor=lead, settings={"risk_threshold": 0.5})
    assert "review.refresh_project" not in sent  # only after commit


def test_a_quality_setting_change_enqueues_the_refresh_after_commit(
    project, lead, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project_settings_merge(project=project, actor=lead, settings={"risk_threshold": 0.5})
    assert sent == ["review.refresh_project"]


def test_an_import_with_annotations_leaves_p_wrong_computed(
    project, tmp_path, django_capture_on_commit_callbacks
):
    lines = [
        item_line("a", alice="positive", bob="positive", carol="positive"),
        item_line("b", alice="positive", bob="negative", carol="neutral"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        import_file(project=project, path=jsonl_write(tmp_path / "i.jsonl", lines))
    risks = dict(Item.objects.filter(project=project).values_list("external_id", "p_wrong"))
    assert risks["a"] is not None
    assert risks["b"] > risks["a"]


def test_an_import_without_annotations_sends_no_recompute(
    project, tmp_path, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_file(project=project, path=jsonl_write(tmp_path / "i.jsonl", [item_line("x")]))
    assert sent == []  # nothing to recompute: no item arrived with a label (issue 20)


def test_a_finished_prelabel_job_enqueues_the_refresh(
    project, lead, sent, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    labeled_items(project)
    job = prelabel_service.prelabel_job_create(project=project, user=lead)
    job.status, job.total = JobStatus.RUNNING, 2
    job.save()
    with django_capture_on_commit_callbacks(execute=True):
        prelabel_service._job_advance(job, 1)
    assert "review.refresh_project" not in sent  # half done
    with django_capture_on_commit_callbacks(execute=True):
        prelabel_service._job_advance(job, 1)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert sent == ["review.refresh_project"]
