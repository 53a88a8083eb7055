"""The item page: its data and everything that happened to it, for reviewers and leads only;
the items browser links every row to it, with human words for the status."""

from __future__ import annotations

import pytest
from django.test import Client

from review.models import Flag, FlagReason, FlagStatus
from tests.factories import AnnotationFactory, ItemFactory, PredictionFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def labeled_item(project, annotators):
    item = ItemFactory(project=project, external_id="tweet-7", data={"text": "A <b>tense</b> day"})
    for user, label in zip(annotators, ("positive", "negative", "secret-label-x"), strict=False):
        AnnotationFactory(item=item, annotator=user, value={"label": label})
    PredictionFactory(
        item=item, project=project, model_version="tfidf-v1", value={"label": "neutral"}
    )
    Flag.objects.create(
        project=project,
        item=item,
        reason=FlagReason.LOW_AGREEMENT,
        status=FlagStatus.OPEN,
        details={"agreement": 0.333},
    )
    return item


def url(item):
    return f"/projects/{item.project_id}/data/items/{item.pk}/"


def test_leads_and_reviewers_see_every_annotation_prediction_and_flag(labeled_item, lead, reviewer):
    for user in (lead, reviewer):
        body = client_for(user).get(url(labeled_item)).content.decode()
        assert "secret-label-x" in body
        assert "negative" in body
        assert "tfidf-v1" in body
        assert "neutral" in body
        assert FlagReason.LOW_AGREEMENT.label in body
        assert "agreement: 0.33" in body
        assert "A &lt;b&gt;tense&lt;/b&gt; day" in body


def test_annotators_never_see_the_item_page_or_its_labels(labeled_item, annotator):
    response = client_for(annotator).get(url(labeled_item))
    assert response.status_code == 403
    assert b"secret-label-x" not in response.content


def test_an_item_of_another_project_is_not_found(project, lead, outsider):
    other_item = ItemFactory(project=ProjectFactory())
    assert (
        client_for(lead).get(f"/projects/{project.pk}/data/items/{other_item.pk}/").status_code
        == 404
    )
    mine = ItemFactory(project=project)
    assert client_for(outsider).get(url(mine)).status_code == 404


def test_browser_rows_link_to_the_item_page_and_say_the_status_in_words(labeled_item, lead):
    body = client_for(lead).get(f"/projects/{labeled_item.project_id}/data/").content.decode()
    assert f'href="{url(labeled_item)}"' in body
    assert "Fully labeled" in body
    assert ">complete<" not in body
    assert ">in_progress<" not in body


def test_an_empty_project_tells_the_lead_to_upload_items(project, lead):
    body = client_for(lead).get(f"/projects/{project.pk}/data/").content.decode()
    assert "no items yet" in body
    assert "Upload a file" in body
