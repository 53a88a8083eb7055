"""The pre-labeling page: lead only, starts a job, polls its panel, cancels, shows versions."""

from __future__ import annotations

import pytest
from django.test import Client

from labeling.models import JobStatus, PrelabelJob
from labeling.services import prelabel as service
from tests.factories import AnnotationFactory, PredictionFactory
from tests.factories_prelabel import ModelVersionFactory, labeled_items, unlabeled_items


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_page_is_for_leads_only(project, lead, reviewer, annotator, outsider):
    url = f"/projects/{project.pk}/prelabel/"

    assert Client().get(url).status_code == 302
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(annotator).get(url).status_code == 403
    assert client_for(reviewer).get(url).status_code == 403
    page = client_for(lead).get(url)
    assert page.status_code == 200
    assert b'<option value="tfidf" selected>tfidf</option>' in page.content


def test_a_lead_starts_a_job_and_sees_it_finished(project, lead, django_capture_on_commit_callbacks):
    labeled_items(project)
    unlabeled_items(project, 3)
    client = client_for(lead)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/projects/{project.pk}/prelabel/start/", {"backend": "tfidf", "scope": "unlabeled"})
    page = client.get(f"/projects/{project.pk}/prelabel/").content.decode()

    assert response.status_code == 302
    assert PrelabelJob.objects.get().status == JobStatus.DONE
    assert "3 of 3 items (100%)" in page
    assert "tfidf-v1" in page
    assert 'hx-trigger="every 1s"' not in page


def test_a_start_that_cannot_run_explains_why(project, lead):
    client = client_for(lead)
    response = client.post(f"/projects/{project.pk}/prelabel/start/", {"backend": "tfidf"}, follow=True)

    assert "needs at least 4" in response.content.decode()
    assert not PrelabelJob.objects.exists()


def test_a_running_job_panel_polls_and_can_be_cancelled_with_htmx(project, lead, reviewer):
    labeled_items(project)
    unlabeled_items(project, 2)
    job = service.prelabel_job_create(project=project, user=lead)
    service.prelabel_job_run(job_id=job.pk)
    panel_url = f"/projects/{project.pk}/prelabel/jobs/{job.pk}/"

    panel = client_for(lead).get(panel_url).content.decode()
    denied = client_for(reviewer).post(f"{panel_url}cancel/", HTTP_HX_REQUEST="true")
    cancelled = client_for(lead).post(f"{panel_url}cancel/", HTTP_HX_REQUEST="true").content.decode()

    assert 'hx-trigger="every 1s"' in panel
    assert "0 of 2 items (0%)" in panel
    assert denied.status_code == 403
    assert 'data-status="cancelled"' in cancelled
    assert "every 1s" not in cancelled


def test_versions_table_shows_accuracy_acceptance_and_the_anchoring_check(project, lead, annotators):
    ModelVersionFactory(project=project, version="tfidf-v1", cv_accuracy=0.75)
    settled = labeled_items(project)[0]  # final and aggregate: positive
    PredictionFactory(item=settled, model_version="tfidf-v1", value={"label": "positive"})
    AnnotationFactory(item=settled, annotator=annotators[0], prelabel_shown=True, value={"label": "positive"})
    AnnotationFactory(item=settled, annotator=annotators[1], prelabel_shown=False, value={"label": "negative"})

    page = client_for(lead).get(f"/projects/{project.pk}/prelabel/").content.decode()

    assert "0.750" in page
    assert "1.000 <span class=\"muted\">(1 shown)</span>" in page
    assert "Difference (shown - hidden): <strong>1.000</strong>" in page


def test_anchoring_counts_every_annotation_even_identical_ones(project, lead, annotators):
    from labeling.prelabel.measures import anchoring_comparison

    items = labeled_items(project)
    for item in items[:2]:  # both positive
        PredictionFactory(item=item, model_version="tfidf-v1", value={"label": "positive"})
        AnnotationFactory(item=item, annotator=annotators[0], prelabel_shown=True, value={"label": "positive"})
        AnnotationFactory(item=item, annotator=annotators[1], prelabel_shown=False, value={"label": "positive"})
    AnnotationFactory(item=items[2], annotator=annotators[0], value={"label": "negative"})  # no prediction

    result = anchoring_comparison(user=lead, project_id=project.pk)

    assert result["shown"] == {"annotations": 2, "agree": 1.0}
    assert result["hidden"] == {"annotations": 2, "agree": 1.0}
    assert result["difference"] == 0.0
