"""Submitting spans and boxes through the annotator API: what the labeling screens send is
stored exactly, and offsets or boxes outside the item are refused with nothing stored."""

from __future__ import annotations

import pytest

from labeling.models import Annotation
from tests.factories import ItemFactory, MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

SPANS = {"kind": "spans", "data": "text", "labels": [{"value": "PER", "hotkey": "1"}]}
BOXES = {"kind": "boxes", "data": "image", "labels": [{"value": "circle", "hotkey": "1"}]}


def claimed(api_as, schema, **item_fields):
    project = ProjectFactory(schema=schema)
    user = UserFactory()
    MembershipFactory(project=project, user=user)
    ItemFactory(project=project, **item_fields)
    client = api_as(user)
    body = client.post(f"/api/projects/{project.pk}/next").json()
    return client, f"/api/assignments/{body['assignment']['id']}/submit", user


def test_spans_after_an_emoji_are_stored_as_python_offsets(api_as):
    client, url, user = claimed(api_as, SPANS, data={"text": "\U0001f600 Ann met Bob"})
    value = {"spans": [{"start": 2, "end": 5, "label": "PER"}, {"start": 10, "end": 13, "label": "PER"}]}
    response = client.post(url, {"value": value}, format="json")
    assert response.status_code == 200, response.content
    assert Annotation.objects.get(annotator=user).value == value


def test_a_span_past_the_text_is_refused(api_as):
    client, url, user = claimed(api_as, SPANS, data={"text": "\U0001f600 Ann"})
    value = {"spans": [{"start": 2, "end": 6, "label": "PER"}]}  # 6 is the UTF-16 length
    response = client.post(url, {"value": value}, format="json")
    assert response.status_code == 400
    assert not Annotation.objects.filter(annotator=user).exists()


@pytest.mark.parametrize(
    ("box", "code"),
    [
        ({"x": 0, "y": 0, "width": 640, "height": 480}, 200),
        ({"x": 600.5, "y": 10, "width": 39.5, "height": 20.1}, 200),
        ({"x": 601, "y": 10, "width": 40, "height": 20}, 400),
        ({"x": 10, "y": 470, "width": 20, "height": 11}, 400),
        ({"x": 10, "y": 10, "width": 0, "height": 11}, 400),
    ],
)
def test_boxes_are_checked_against_the_image_size(api_as, box, code):
    client, url, user = claimed(api_as, BOXES, data={"image": "a.png"}, width=640, height=480)
    response = client.post(url, {"value": {"boxes": [{**box, "label": "circle"}]}}, format="json")
    assert response.status_code == code, response.content
    stored = Annotation.objects.filter(annotator=user).first()
    assert (stored.value if stored else None) == ({"boxes": [{**box, "label": "circle"}]} if code == 200 else None)
