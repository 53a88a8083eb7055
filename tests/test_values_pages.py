"""Every page shows the same text for the same annotation value (labeling.values.value_text)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from labeling.models import Role
from labeling.values import NONE_TEXT, value_text
from review.models import Flag, FlagReason
from tests.factories import (
    AnnotationFactory,
    ItemFactory,
    MembershipFactory,
    PredictionFactory,
    ProjectFactory,
    UserFactory,
)

MULTI = {"kind": "multi", "data": "text", "labels": [{"value": "a"}, {"value": "b"}]}
SPANS = {"kind": "spans", "data": "text", "labels": [{"value": "PER"}, {"value": "LOC"}]}
PAGES = ("review-item", "review-queue", "lead-data", "annotate_history")


def _logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def _page(url_name, item):
    kwargs = {"project_id": item.project_id}
    if url_name == "review-item":
        kwargs["item_id"] = item.pk
    return reverse(url_name, kwargs=kwargs)


@pytest.fixture
def shown(db):
    """A project whose one item has `value` as its aggregate and as the lead's own annotation."""

    def make(schema, value):
        project = ProjectFactory(schema=schema)
        lead = UserFactory(username="lead")
        MembershipFactory(project=project, user=lead, role=Role.LEAD)
        item = ItemFactory(project=project, aggregate_value=value, data={"text": "Ann met Bob."})
        AnnotationFactory(item=item, annotator=lead, value=value)
        Flag.objects.create(project=project, item=item, reason=FlagReason.LOW_AGREEMENT)
        return item, _logged_in(lead)

    return make


@pytest.mark.parametrize(
    ("schema", "value", "text"),
    [
        (MULTI, {"labels": []}, NONE_TEXT),
        (MULTI, {"labels": ["b", "a"]}, "b, a"),
        (SPANS, {"spans": [{"start": 0, "end": 3, "label": "PER"}]}, "PER 0-3"),
    ],
)
@pytest.mark.parametrize("url_name", PAGES)
def test_every_page_shows_a_value_with_the_one_display_rule(shown, schema, value, text, url_name):
    item, client = shown(schema, value)
    assert value_text(value) == text
    response = client.get(_page(url_name, item))
    assert response.status_code == 200
    assert text in response.content.decode()


def test_an_empty_label_set_is_never_shown_as_a_blank_cell(shown):
    item, client = shown(MULTI, {"labels": []})
    review = client.get(_page("review-item", item)).content.decode()
    assert '<p class="value">(none)</p>' in review


def test_the_labeling_screen_gets_the_suggestion_text_by_the_same_rule(api_as, db):
    project = ProjectFactory(schema=MULTI, show_prelabels=True)
    annotator = UserFactory(username="annotator")
    MembershipFactory(project=project, user=annotator, role=Role.ANNOTATOR)
    item = ItemFactory(project=project)
    PredictionFactory(item=item, value={"labels": []}, score=0.6)
    response = api_as(annotator).post(f"/api/projects/{project.pk}/next")
    assert response.status_code == 200
    assert response.json()["item"]["suggestion"]["text"] == NONE_TEXT
