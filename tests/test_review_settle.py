"""The visual settle of spans and boxes items (issue 15, Review): what the review page hands the
drawing, and the final-value decisions it posts (a version taken as it is, or an edited value),
each validated like an annotation, box bounds against the item's image size."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from labeling.exceptions import NotFound, ValueInvalid
from labeling.models import AuditEntry, Membership, Role
from review.exceptions import OwnItemReview
from review.models import ReviewDecision
from review.selectors.item_versions import source_value
from review.services.decisions import final_label_set
from review.services.settle import final_label_take
from tests.browser.region_helpers import BOXES_SCHEMA, SPANS_SCHEMA
from tests.factories import AnnotationFactory, ItemFactory

TEXT = "Ada Lovelace met Charles Babbage in London </script><b>x</b>."
ALICE = {
    "spans": [{"start": 0, "end": 12, "label": "PER"}, {"start": 17, "end": 32, "label": "PER"}]
}
BOB = {"spans": [{"start": 0, "end": 12, "label": "PER"}, {"start": 36, "end": 42, "label": "LOC"}]}
# An aggregate as the refresh stores it for spans: the value's shape plus a per-span confidence.
AGGREGATE = {"spans": [{"start": 0, "end": 12, "label": "PER", "confidence": 0.9}]}
BOXES = {"boxes": [{"x": 10, "y": 20, "width": 30, "height": 40, "label": "circle"}]}


@pytest.fixture
def spans_item(project, annotators):
    project.schema = SPANS_SCHEMA
    project.save()
    item = ItemFactory(project=project, data={"text": TEXT})
    for user, value in zip(annotators, (ALICE, BOB, {"spans": []}), strict=True):
        AnnotationFactory(item=item, annotator=user, value=value)
    item.aggregate_value, item.aggregate_confidence = AGGREGATE, 0.8
    item.aggregate_method = "token_vote"
    item.save()
    return item


@pytest.fixture
def boxes_item(project, annotators):
    project.schema = BOXES_SCHEMA
    project.save()
    item = ItemFactory(project=project, data={"image": "img-0.png"}, width=640, height=480)
    AnnotationFactory(item=item, annotator=annotators[0], value=BOXES)
    return item


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def page_url(item):
    return reverse("review-item", kwargs={"project_id": item.project_id, "item_id": item.pk})


def final_url(item):
    kwargs = {"project_id": item.project_id, "item_id": item.pk, "action": "final"}
    return reverse("review-action", kwargs=kwargs)


def drawing_data(html):
    found = re.search(r'<script id="settle-config" type="application/json">(.*?)</script>', html)
    assert found, "the page has no settle-config script element"
    return json.loads(found.group(1))


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def undo_offer_text(response):
    """A decision's confirmation travels in the undo toast offered on the next page."""
    offer = response.wsgi_request.session.get("review_undo") or {}
    return offer.get("text", "").split(": ", 1)[-1]


def test_the_review_page_hands_every_version_to_the_drawing_in_a_json_script(
    spans_item, reviewer, annotators
):
    html = client_for(reviewer).get(page_url(spans_item)).content.decode()
    data = drawing_data(html)
    first, second, third = spans_item.annotations.order_by("created_at", "id")
    assert data["kind"] == "spans"
    assert [label["value"] for label in data["labels"]] == ["PER", "ORG", "LOC"]
    assert data["item"]["data"] == {"text": TEXT}
    assert data["sources"] == [
        {"key": "aggregate", "name": "Aggregate", "value": AGGREGATE},
        {"key": f"annotation:{first.pk}", "name": "annotator1", "value": ALICE},
        {"key": f"annotation:{second.pk}", "name": "annotator2", "value": BOB},
        {"key": f"annotation:{third.pk}", "name": "annotator3", "value": {"spans": []}},
    ]
    assert data["start"] == {"name": "the aggregate", "value": AGGREGATE}
    # The item's text goes in escaped: its "</script>" cannot close the element early.
    assert "</script><b>" not in html
    assert 'type="hidden" name="value_json"' in html
    assert 'id="value-json"' not in html
    assert f'value="annotation:{second.pk}"' in html
    assert "Take annotator2\u2019s version" in html
    assert "Accept the aggregate" in html


def test_a_settled_item_starts_the_editor_from_its_final_label(spans_item, reviewer):
    final_label_set(item=spans_item, reviewer=reviewer, value=BOB)
    data = drawing_data(client_for(reviewer).get(page_url(spans_item)).content.decode())
    assert data["start"] == {"name": "the final label", "value": BOB}


def test_an_item_without_aggregate_offers_only_the_annotators_versions(boxes_item, reviewer):
    html = client_for(reviewer).get(page_url(boxes_item)).content.decode()
    data = drawing_data(html)
    assert [s["name"] for s in data["sources"]] == ["annotator1"]
    assert data["start"] == {"name": "nothing", "value": {"boxes": []}}
    assert data["item"]["width"] == 640
    assert data["item"]["height"] == 480
    assert "Accept the aggregate" not in html


def test_annotators_and_outsiders_never_get_the_drawing_data(spans_item, annotator, outsider):
    for user, status in ((annotator, 403), (outsider, 404)):
        response = client_for(user).get(page_url(spans_item))
        assert response.status_code == status
        assert b"settle-config" not in response.content
        assert b"Lovelace" not in response.content
        post = client_for(user).post(final_url(spans_item), {"source": "aggregate"})
        assert post.status_code == status
    spans_item.refresh_from_db()
    assert spans_item.final_value is None


def test_a_single_label_item_keeps_the_label_picker(project, reviewer, annotators):
    item = ItemFactory(project=project)
    AnnotationFactory(item=item, annotator=annotators[0], value={"label": "positive"})
    html = client_for(reviewer).get(page_url(item)).content.decode()
    assert "settle-config" not in html
    assert 'data-key="1"' in html
    client_for(reviewer).post(final_url(item), {"label": "negative", "source": "aggregate"})
    item.refresh_from_db()
    assert item.final_value == {"label": "negative"}


def test_taking_an_annotators_version_stores_it_exactly_and_audits_the_source(spans_item, reviewer):
    bob = spans_item.annotations.get(annotator__username="annotator2")
    response = client_for(reviewer).post(
        final_url(spans_item), {"source": f"annotation:{bob.pk}", "cause": "ambiguous"}
    )
    assert undo_offer_text(response) == "Final label set: annotator2's version."
    spans_item.refresh_from_db()
    assert spans_item.final_value == BOB
    entry = AuditEntry.objects.filter(action="review.final").get()
    assert entry.after["source"] == f"annotation:{bob.pk}"
    assert ReviewDecision.objects.get().value == BOB


def test_accepting_the_aggregate_stores_its_spans_without_their_confidence(spans_item, reviewer):
    response = client_for(reviewer).post(final_url(spans_item), {"source": "aggregate"})
    assert undo_offer_text(response) == "Final label set: the aggregate."
    spans_item.refresh_from_db()
    assert spans_item.final_value == {"spans": [{"start": 0, "end": 12, "label": "PER"}]}


def test_an_edited_box_value_is_stored_exactly(boxes_item, reviewer):
    edited = {"boxes": [{"x": 0, "y": 0, "width": 640, "height": 480, "label": "square"}]}
    response = client_for(reviewer).post(final_url(boxes_item), {"value_json": json.dumps(edited)})
    assert undo_offer_text(response) == "Final label set."
    boxes_item.refresh_from_db()
    assert boxes_item.final_value == edited


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            {"boxes": [{"x": 600, "y": 0, "width": 41, "height": 10, "label": "circle"}]},
            "boxes[0] reaches past the image's 640x480 pixels",
        ),
        (
            {"boxes": [{"x": 0, "y": 470, "width": 10, "height": 11, "label": "circle"}]},
            "boxes[0] reaches past the image's 640x480 pixels",
        ),
        (
            {"boxes": [{"x": 1, "y": 1, "width": 5, "height": 5, "label": "car"}]},
            "boxes[0].label 'car' is not in the schema",
        ),
        ({"spans": [{"start": 0, "end": 3, "label": "PER"}]}, "boxes must be a list"),
    ],
)
def test_a_bad_box_value_is_refused_with_a_clear_message(boxes_item, reviewer, value, message):
    response = client_for(reviewer).post(final_url(boxes_item), {"value_json": json.dumps(value)})
    (shown,) = messages_of(response)
    assert shown.startswith(message)
    boxes_item.refresh_from_db()
    assert boxes_item.final_value is None
    assert not ReviewDecision.objects.exists()


def test_the_final_label_api_checks_box_bounds_too(api_as, boxes_item, reviewer):
    url = f"/api/projects/{boxes_item.project_id}/review/items/{boxes_item.pk}/final"
    past = {"boxes": [{"x": 630, "y": 0, "width": 11, "height": 5, "label": "circle"}]}
    response = api_as(reviewer).post(url, {"value": past}, format="json")
    assert response.status_code == 400
    assert "past the image's 640x480 pixels" in json.dumps(response.json())
    inside = {"boxes": [{"x": 629, "y": 0, "width": 11, "height": 5, "label": "circle"}]}
    assert api_as(reviewer).post(url, {"value": inside}, format="json").status_code == 201


def test_a_span_past_the_text_is_refused(spans_item, reviewer):
    value = {"spans": [{"start": 40, "end": len(TEXT) + 1, "label": "LOC"}]}
    response = client_for(reviewer).post(final_url(spans_item), {"value_json": json.dumps(value)})
    assert messages_of(response) == [
        f"spans[0] ends at {len(TEXT) + 1}, past the text's {len(TEXT)} characters"
    ]


def test_a_version_must_belong_to_the_item(spans_item, boxes_item, reviewer):
    other = boxes_item.annotations.get()
    with pytest.raises(NotFound, match="No such annotation on this item"):
        source_value(item=spans_item, source=f"annotation:{other.pk}")
    with pytest.raises(ValueInvalid, match="Unknown version"):
        source_value(item=spans_item, source="annotation:x")
    with pytest.raises(ValueInvalid, match="no aggregate yet"):
        final_label_take(item=boxes_item, reviewer=reviewer, source="aggregate")
    response = client_for(reviewer).post(final_url(spans_item), {"source": "label:PER"})
    assert messages_of(response) == ["Unknown version 'label:PER'"]
    spans_item.refresh_from_db()
    assert spans_item.final_value is None


def test_a_reviewer_who_annotated_the_item_cannot_take_a_version(spans_item, annotators):
    with pytest.raises(OwnItemReview):
        final_label_take(item=spans_item, reviewer=annotators[0], source="aggregate")


def test_a_lead_settles_by_taking_a_version_too(spans_item, lead):
    alice = spans_item.annotations.get(annotator__username="annotator1")
    client_for(lead).post(final_url(spans_item), {"source": f"annotation:{alice.pk}"})
    spans_item.refresh_from_db()
    assert spans_item.final_value == ALICE
    assert spans_item.final_reviewer == lead


def test_a_reviewer_who_annotated_the_item_sees_the_versions_but_no_take_buttons(
    spans_item, project, annotators
):
    Membership.objects.filter(project=project, user=annotators[1]).update(role=Role.REVIEWER)
    html = client_for(annotators[1]).get(page_url(spans_item)).content.decode()
    assert len(drawing_data(html)["sources"]) == 4
    assert "settle-take" not in html
    assert 'id="settle-editor"' not in html
    assert "another reviewer must settle it" in html
