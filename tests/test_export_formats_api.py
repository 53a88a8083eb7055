"""The export API and page offer every format by name, each only for the kinds it fits."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from labeling.models import Role
from tests.factories import ItemFactory, MembershipFactory, ProjectFactory
from tests.factories_export import BOXES_SCHEMA, SPANS_SCHEMA

pytestmark = pytest.mark.django_db


def project_led_by(user, schema):
    project = ProjectFactory(schema=schema)
    MembershipFactory(project=project, user=user, role=Role.LEAD)
    return project


def export(client, project, **params):
    return client.get(f"/api/projects/{project.pk}/export", params)


def test_a_lead_downloads_coco_and_yolo_of_a_boxes_project(lead, api_as):
    project = project_led_by(lead, BOXES_SCHEMA)
    ItemFactory(project=project, data={"image": "a.jpg"}, width=10, height=10,
                final_value={"boxes": [{"x": 0, "y": 0, "width": 5, "height": 5, "label": "car"}]})  # fmt: skip
    client = api_as(lead)

    coco = export(client, project, format="coco")
    yolo = export(client, project, format="yolo", source="final")

    assert (coco.status_code, coco["Content-Type"]) == (200, "application/json")
    assert coco["Content-Disposition"] == f'attachment; filename="project-{project.pk}-all.coco.json"'
    assert json.loads(b"".join(coco.streaming_content))["annotations"][0]["bbox"] == [0, 0, 5, 5]
    assert (yolo.status_code, yolo["Content-Type"]) == (200, "application/zip")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(yolo.streaming_content)))
    assert archive.read("labels/a.txt") == b"0 0.250000 0.250000 0.500000 0.500000\n"


def test_a_format_for_another_kind_or_an_unknown_source_is_a_400(project, lead, api_as):
    client = api_as(lead)

    wrong_kind = export(client, project, format="conll")
    bad_source = export(client, project_led_by(lead, SPANS_SCHEMA), format="spacy", source="everyone")

    assert wrong_kind.status_code == 400
    assert "spans projects" in json.dumps(wrong_kind.json())
    assert bad_source.status_code == 400


def test_annotators_and_outsiders_cannot_export_in_the_new_formats(project, annotator, outsider, api_as):
    for user in (annotator, outsider):
        assert export(api_as(user), project, format="label_studio").status_code in (403, 404)


def test_the_export_page_offers_the_formats_that_fit_the_project(project, lead):
    client = Client()
    client.force_login(lead)
    spans = project_led_by(lead, SPANS_SCHEMA)

    def page(of):
        return client.get(reverse("lead-export", kwargs={"project_id": of.pk})).content.decode()

    text_page, spans_page = page(project), page(spans)

    assert 'value="label_studio"' in text_page
    assert 'value="conll"' not in text_page
    assert 'name="source"' not in text_page
    for name in ("conll", "spacy", "label_studio", "settled", "annotators"):
        assert f'value="{name}"' in spans_page
    assert 'value="coco"' not in spans_page
