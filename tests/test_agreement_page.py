"""The agreement page: roles, the numbers of a known project, escaping, and the SVG helpers."""

from __future__ import annotations

import pytest
from django.test import Client

from frontend import charts
from frontend.views.agreement import alpha_reading
from labeling.models import Membership, Role
from review import services
from tests.factories import AnnotationFactory, ItemFactory, ProjectFactory

EVIL = '<script>alert("x")</script>'


@pytest.fixture
def labelled(project, annotators):
    for labels in (["positive"] * 3, ["positive", "negative", "positive"], ["negative"] * 3):
        item = ItemFactory(project=project)
        for user, label in zip(annotators, labels, strict=True):
            AnnotationFactory(item=item, annotator=user, value={"label": label})
    return project


def page_as(user, project) -> object:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(f"/projects/{project.pk}/agreement/")


def test_anonymous_visitor_is_sent_to_login(labelled):
    response = page_as(None, labelled)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_outsider_gets_404(outsider, labelled):
    assert page_as(outsider, labelled).status_code == 404


def test_annotator_gets_403(annotator, labelled):
    assert page_as(annotator, labelled).status_code == 403


@pytest.mark.parametrize("persona", ["reviewer", "lead"])
def test_staff_see_the_headline_alpha_of_the_snapshot(request, labelled, persona):
    user = request.getfixturevalue(persona)
    snapshot = services.project_snapshot_create(project_id=labelled.pk)
    response = page_as(user, labelled)
    body = response.content.decode()
    assert response.status_code == 200
    alpha = snapshot.report["krippendorff_alpha"]["nominal"]
    assert f"{alpha:.3f}" in body
    assert body.count("<svg") >= 3


def test_user_text_in_labels_and_names_is_escaped(lead, annotators):
    project = ProjectFactory(
        schema={"kind": "single", "data": "text", "labels": [{"value": EVIL}, {"value": "ok"}]}
    )
    Membership.objects.create(project=project, user=lead, role=Role.LEAD)
    for labels in ([EVIL, EVIL], [EVIL, "ok"]):
        item = ItemFactory(project=project)
        for user, label in zip(annotators, labels, strict=False):
            AnnotationFactory(item=item, annotator=user, value={"label": label})
    body = page_as(lead, project).content.decode()
    assert EVIL not in body
    assert "&lt;script&gt;" in body


def test_reading_follows_krippendorffs_thresholds():
    assert alpha_reading(0.85).startswith("Reliable")
    assert alpha_reading(0.7).startswith("Tentative")
    assert alpha_reading(0.3).startswith("Unreliable")
    assert alpha_reading(None).startswith("Alpha is undefined")


def test_bar_chart_marks_undefined_values_instead_of_drawing_them():
    svg = str(charts.bar_chart([("a", 0.5), ("b", None)], title="t"))
    assert svg.count("<rect") == 1
    assert "n/a" in svg


def test_line_chart_draws_one_point_per_defined_value():
    points = [charts.Point("w1", 0.5, 0.4, 0.6), charts.Point("w2", None), charts.Point("w3", 0.7)]
    assert str(charts.line_chart(points, title="t")).count("<circle") == 2
