"""The first agreement snapshot: in the request for a small project, by a worker for a large one."""

from __future__ import annotations

import pytest

from labeling import task_names
from review.models import AgreementSnapshot
from review.services import first_snapshot
from tests.factories import AnnotationFactory, ItemFactory


@pytest.fixture
def labelled(project, annotators):
    for labels in (["positive", "positive", "negative"], ["negative", "negative", "negative"]):
        item = ItemFactory(project=project)
        for user, label in zip(annotators, labels, strict=True):
            AnnotationFactory(item=item, annotator=user, value={"label": label})
    return project


@pytest.fixture
def held(monkeypatch):
    """Every project counts as large, and the worker's task is recorded, not run."""
    sent = []
    monkeypatch.setattr(first_snapshot, "INLINE_LABELS", -1)
    monkeypatch.setattr(
        first_snapshot, "send", lambda name, args, **options: sent.append((name, args, options))
    )
    return sent


def test_a_small_project_gets_its_first_snapshot_in_the_request(api_as, lead, labelled):
    response = api_as(lead).get(f"/api/projects/{labelled.pk}/agreement")
    assert response.status_code == 200
    assert response.json()["annotations"] == 6
    assert AgreementSnapshot.objects.filter(project=labelled).count() == 1


def test_a_large_project_sends_its_first_snapshot_to_a_worker(api_as, lead, labelled, held):
    response = api_as(lead).get(f"/api/projects/{labelled.pk}/agreement")
    assert response.status_code == 202
    assert response.json()["status"] == "computing"
    assert response["Retry-After"] == "30"
    assert not AgreementSnapshot.objects.filter(project=labelled).exists()
    [(name, args, options)] = held
    assert (name, args) == (task_names.RECOMPUTE_PROJECT_AGREEMENT, [labelled.pk])
    assert options["key"] == first_snapshot.PENDING_KEY.format(project_id=labelled.pk)


def test_the_page_says_the_report_is_on_its_way_and_polls(client, lead, labelled, held):
    client.force_login(lead)
    page = client.get(f"/projects/{labelled.pk}/agreement/").content.decode()
    assert 'data-testid="agreement-computing"' in page
    assert 'hx-trigger="every 10s"' in page
    assert len(held) == 1


def test_with_an_eager_worker_the_large_project_report_is_there_at_once(
    api_as, lead, labelled, monkeypatch
):
    monkeypatch.setattr(first_snapshot, "INLINE_LABELS", -1)
    response = api_as(lead).get(f"/api/projects/{labelled.pk}/agreement")
    assert response.status_code == 200
    assert response.json()["annotations"] == 6


def test_annotators_are_refused_before_anything_is_sent(api_as, annotator, labelled, held):
    assert api_as(annotator).get(f"/api/projects/{labelled.pk}/agreement").status_code == 403
    assert held == []
