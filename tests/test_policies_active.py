"""Active-learning ordering policies: lowest margin first, and rarest predicted label first."""

from __future__ import annotations

import pytest

from labeling.assignment import engine
from labeling.assignment.policies import rare, uncertainty
from labeling.models import OrderingPolicy
from tests.factories import ItemFactory, PredictionFactory
from tests.factories_prelabel import ModelVersionFactory

POLICY_NAMES = {uncertainty.candidates: OrderingPolicy.UNCERTAINTY_FIRST, rare.candidates: OrderingPolicy.RARE_FIRST}


def order(policy, project, user):
    """The item ids the engine would try for `user`, in order, under `policy`."""
    project.ordering = POLICY_NAMES[policy]
    project.save(update_fields=["ordering"])
    return engine.candidate_ids(project=project, user=user)


@pytest.fixture
def predicted(project):
    """Four items: margins 0.9, 0.1, 0.5 (model v2), one unpredicted; an old v1 disagrees."""
    items = [ItemFactory(project=project) for _ in range(4)]
    ModelVersionFactory(project=project, version="tfidf-v1")
    ModelVersionFactory(project=project, version="tfidf-v2")
    for item, margin, label in zip(items[:3], (0.9, 0.1, 0.5), ("positive", "negative", "positive"), strict=True):
        PredictionFactory(item=item, model_version="tfidf-v2", margin=margin, value={"label": label})
        PredictionFactory(item=item, model_version="tfidf-v1", margin=1 - margin)
    return items


def test_uncertainty_first_orders_by_the_current_models_margin_then_the_rest(project, annotator, predicted):
    assert order(uncertainty.candidates, project, annotator) == [
        predicted[1].pk, predicted[2].pk, predicted[0].pk, predicted[3].pk,
    ]


def test_rare_first_serves_the_rarest_predicted_label_first(project, annotator, predicted):
    ItemFactory(project=project, aggregate_value={"label": "negative"}, annotation_count=3)
    ItemFactory(project=project, aggregate_value={"label": "negative"}, annotation_count=3)
    ItemFactory(project=project, aggregate_value={"label": "positive"}, annotation_count=3)

    ranked = order(rare.candidates, project, annotator)

    assert ranked[:3] == [predicted[2].pk, predicted[0].pk, predicted[1].pk]
    assert predicted[3].pk in ranked[3:]


def test_rare_first_ranks_a_label_people_never_gave_before_common_ones(project, annotator, predicted):
    for _ in range(2):
        ItemFactory(project=project, aggregate_value={"label": "positive"}, annotation_count=3)

    assert order(rare.candidates, project, annotator)[0] == predicted[1].pk


@pytest.mark.parametrize("policy", [uncertainty.candidates, rare.candidates])
def test_without_predictions_the_active_policies_fall_back_to_in_progress_order(project, annotator, policy):
    fresh, started = ItemFactory(project=project), ItemFactory(project=project, annotation_count=1)

    assert order(policy, project, annotator) == [started.pk, fresh.pk]


def test_the_assignment_engine_hands_out_the_most_uncertain_item_first(project, annotators, predicted):
    project.ordering = OrderingPolicy.UNCERTAINTY_FIRST
    project.save()

    assert engine.next_item(project, annotators[0]).item == predicted[1]
    assert engine.next_item(project, annotators[1]).item == predicted[1]
