"""The assignment engine: gold items interleaved at the gold rate, pre-labels on their share."""

from __future__ import annotations

import random

import pytest

from labeling.assignment import engine
from tests.factories import ItemFactory, MembershipFactory, PredictionFactory, UserFactory

pytestmark = pytest.mark.django_db


def items_for(project, n, **kwargs):
    return [ItemFactory(project=project, **kwargs) for _ in range(n)]


def test_gold_items_are_served_at_the_gold_rate(project, annotator):
    project.gold_rate = 1.0
    project.save()
    _regular, gold = ItemFactory(project=project), ItemFactory(project=project, is_gold=True)
    assert engine.next_item(project, annotator).item == gold


def test_gold_items_wait_for_the_regular_pool_when_the_draw_says_no(project, annotator):
    project.gold_rate = 0.2
    project.save()
    _gold, regular = ItemFactory(project=project, is_gold=True), ItemFactory(project=project)
    rng = random.Random()
    rng.random = lambda: 0.9  # above the rate: a regular item
    assert engine.next_item(project, annotator, rng=rng).item == regular


def test_gold_share_of_claims_follows_the_rate(project):
    project.gold_rate = 0.25
    project.overlap = 1
    project.save()
    items_for(project, 60)
    items_for(project, 60, is_gold=True)
    rng = random.Random(7)
    served = []
    for index in range(40):
        user = UserFactory(username=f"worker{index}")
        MembershipFactory(project=project, user=user)
        served.append(engine.next_item(project, user, rng=rng).item.is_gold)
    share = sum(served) / len(served)
    assert 0.1 < share < 0.45


@pytest.mark.parametrize(("share", "shown"), [(1.0, True), (0.0, False)])
def test_prelabel_is_shown_on_the_project_share_with_the_latest_prediction(project, annotator, share, shown):
    project.show_prelabels = True
    project.prelabel_share = share
    project.save()
    (item,) = items_for(project, 1)
    PredictionFactory(item=item, model_version="old", value={"label": "negative"})
    PredictionFactory(item=item, model_version="new", value={"label": "neutral"})
    assignment = engine.next_item(project, annotator)
    assert assignment.prelabel_shown is shown
    suggestion = engine.suggestion_for(assignment)
    assert (suggestion["value"] if suggestion else None) == ({"label": "neutral"} if shown else None)


def test_no_prelabel_without_a_prediction(project, annotator):
    project.show_prelabels = True
    project.save()
    items_for(project, 1)
    assert engine.next_item(project, annotator).prelabel_shown is False
