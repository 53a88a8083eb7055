"""Gold accuracy per annotator: the selector, the members page and the agreement page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from labeling.exceptions import PermissionDenied
from labeling.selectors import gold_accuracy
from tests.factories import AnnotationFactory, ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(project, annotators):
    """annotator1: 2 of 3 gold right; annotator2: 0 of 1; a regular item does not count."""
    first, second, _third = annotators
    golds = [ItemFactory(project=project, is_gold=True, gold_value={"label": "positive"}) for _ in range(3)]
    for item, label in zip(golds, ["positive", "positive", "negative"], strict=True):
        AnnotationFactory(item=item, project=project, annotator=first, value={"label": label})
    AnnotationFactory(item=golds[0], project=project, annotator=second, value={"label": "neutral"})
    AnnotationFactory(item=ItemFactory(project=project), project=project, annotator=second, value={"label": "positive"})
    return first, second


def test_gold_accuracy_counts_exact_matches_on_gold_items_only(project, lead, answered):
    rows = {row["username"]: row for row in gold_accuracy(user=lead, project_id=project.pk)}
    assert (rows["annotator1"]["n"], rows["annotator1"]["correct"]) == (3, 2)
    assert rows["annotator1"]["accuracy"] == pytest.approx(2 / 3)
    assert (rows["annotator2"]["n"], rows["annotator2"]["correct"], rows["annotator2"]["accuracy"]) == (1, 0, 0.0)
    assert "annotator3" not in rows


def test_annotators_cannot_read_gold_accuracy(project, annotator, answered):
    with pytest.raises(PermissionDenied):
        gold_accuracy(user=annotator, project_id=project.pk)


def _page(user, name, project):
    client = Client()
    client.force_login(user)
    return client.get(reverse(name, kwargs={"project_id": project.pk})).content.decode()


def test_members_page_shows_each_annotators_gold_accuracy(project, lead, answered):
    page = _page(lead, "lead-members", project)
    assert "67% (2 of 3)" in page
    assert "0% (0 of 1)" in page


@pytest.mark.parametrize("role", ["lead", "reviewer"])
def test_agreement_page_shows_gold_accuracy(project, lead, reviewer, answered, role):
    page = _page(lead if role == "lead" else reviewer, "agreement", project)
    assert 'data-testid="gold-accuracy"' in page
    assert "<td>annotator1</td><td>3</td><td>2</td><td>0.667</td>" in page
