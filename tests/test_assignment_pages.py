"""The annotate area's pages: who may open them, the guideline gate, history outcomes, edits."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from labeling.models import Item
from review.models import AnnotationReview
from tests.factories import AnnotationFactory, ItemFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_labeling_screen_opens_for_members_only(project, annotator, outsider):
    url = f"/projects/{project.pk}/annotate/"
    assert Client().get(url).status_code == 302
    assert client_for(outsider).get(url).status_code == 404
    response = client_for(annotator).get(url)
    assert response.status_code == 200
    assert b'id="annotate-config"' in response.content


def test_the_labeling_screen_sends_members_to_acknowledge_a_new_guideline(project, annotator):
    project.guideline_version = 2
    project.save()
    response = client_for(annotator).get(f"/projects/{project.pk}/annotate/")
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/guideline/ack/"


def test_home_page_links_to_the_labeling_screen_for_every_role(project, annotator, reviewer, lead):
    for user in (annotator, reviewer, lead):
        body = client_for(user).get("/").content.decode()
        assert f"/projects/{project.pk}/annotate/" in body


def test_history_shows_outcomes_and_escapes_item_text(project, annotators, reviewer):
    hostile = ItemFactory(project=project, data={"text": "<script>alert(1)</script>"})
    corrected = ItemFactory(project=project, final_value={"label": "negative"}, final_reviewer=reviewer)
    pending = AnnotationFactory(item=hostile, annotator=annotators[0])
    fixed = AnnotationFactory(item=corrected, annotator=annotators[0], value={"label": "positive"})
    AnnotationFactory(item=corrected, annotator=annotators[1], comment="peer secret")
    AnnotationReview.objects.create(annotation=fixed, reviewer=reviewer, verdict="rejected", comment="See rule 4")
    body = client_for(annotators[0]).get(f"/projects/{project.pk}/history/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body
    assert "corrected to negative" in body
    assert "See rule 4" in body
    assert "peer secret" not in body
    assert f"/history/{pending.pk}/" in body
    assert f"/history/{fixed.pk}/" not in body


def test_edit_page_changes_my_annotation_and_refuses_settled_ones(project, annotator, reviewer):
    annotation = AnnotationFactory(item=ItemFactory(project=project), annotator=annotator)
    client = client_for(annotator)
    url = f"/projects/{project.pk}/history/{annotation.pk}/"
    response = client.post(url, {"label": "neutral", "comment": "second look"})
    assert response.status_code == 302
    annotation.refresh_from_db()
    assert (annotation.value, annotation.comment) == ({"label": "neutral"}, "second look")
    Item.objects.filter(pk=annotation.item_id).update(final_value={"label": "neutral"}, final_reviewer=reviewer)
    refused = client.post(url, {"label": "positive"})
    assert refused.status_code == 400
    annotation.refresh_from_db()
    assert annotation.value == {"label": "neutral"}


def test_nobody_opens_someone_elses_annotation_for_editing(project, annotators):
    annotation = AnnotationFactory(item=ItemFactory(project=project), annotator=annotators[0])
    url = f"/projects/{project.pk}/history/{annotation.pk}/"
    assert client_for(annotators[1]).get(url).status_code == 404
    assert client_for(annotators[1]).post(url, {"label": "neutral"}).status_code == 404


SPANS = {"kind": "spans", "data": "text", "labels": [{"value": "PER", "hotkey": "1", "color": "#123456"}, {"value": "LOC"}]}
BOXES = {"kind": "boxes", "data": "image", "labels": [{"value": "car", "hotkey": "1"}]}


@pytest.mark.parametrize("schema", [SPANS, BOXES])
def test_spans_and_boxes_projects_get_the_region_screen(project, annotator, schema):
    project.schema = schema
    project.save()
    response = client_for(annotator).get(f"/projects/{project.pk}/annotate/")
    assert response.status_code == 200
    assert response.context["config"]["kind"] == schema["kind"]
    assert response.context["config"]["labels"][0]["color"] == schema["labels"][0].get("color", "")
    body = response.content.decode()
    assert 'id="region-host"' in body
    assert 'type="module" src="/static/accord/annotate.js"' in body
    assert "not available yet" not in body


def span_annotation(project, annotator):
    project.schema = SPANS
    project.save()
    item = ItemFactory(project=project, data={"text": "\U0001f600 Ann went to Oslo"})
    return AnnotationFactory(item=item, annotator=annotator, value={"spans": [{"start": 2, "end": 5, "label": "PER"}]})


def test_the_edit_page_stores_the_spans_the_component_posts(project, annotator):
    annotation = span_annotation(project, annotator)
    url = f"/projects/{project.pk}/history/{annotation.pk}/"
    page = client_for(annotator).get(url)
    assert page.context["value"] == annotation.value
    assert 'id="region-value"' in page.content.decode()
    posted = {"spans": [{"start": 2, "end": 5, "label": "PER"}, {"start": 14, "end": 18, "label": "LOC"}]}
    response = client_for(annotator).post(url, {"value": json.dumps(posted)})
    assert response.status_code == 302
    annotation.refresh_from_db()
    assert annotation.value == posted


@pytest.mark.parametrize(
    "raw",
    ["not json", json.dumps({"spans": [{"start": 14, "end": 19, "label": "LOC"}]}), json.dumps([1, 2])],
)
def test_the_edit_page_refuses_bad_or_out_of_range_spans_and_keeps_what_was_posted(project, annotator, raw):
    annotation = span_annotation(project, annotator)
    response = client_for(annotator).post(f"/projects/{project.pk}/history/{annotation.pk}/", {"value": raw})
    assert response.status_code == 400
    annotation.refresh_from_db()
    assert annotation.value == {"spans": [{"start": 2, "end": 5, "label": "PER"}]}
    shown = response.context["value"]
    assert shown == (json.loads(raw) if raw.startswith("{") else annotation.value)
