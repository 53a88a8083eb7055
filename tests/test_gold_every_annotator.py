"""Gold items reach every annotator, not only the first `overlap` of them."""

from __future__ import annotations

import pytest

from labeling.assignment import engine
from labeling.models import Annotation
from labeling.services import annotation_submit
from tests.factories import ItemFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _label_everything(project, user):
    """Let `user` label every item the engine hands them; returns the items' ids."""
    seen = []
    while (lease := engine.next_item(project, user)) is not None:
        annotation_submit(assignment_id=lease.pk, user=user, value={"label": "positive"})
        seen.append(lease.item_id)
    return seen


def test_every_annotator_gets_every_gold_item_beyond_the_overlap(project):
    project.overlap = 1
    project.gold_rate = 0.5
    project.save()
    gold = [ItemFactory(project=project, is_gold=True, gold_value={"label": "positive"}) for _ in range(3)]
    regular = [ItemFactory(project=project) for _ in range(4)]
    workers = [UserFactory(username=f"gold-worker{i}") for i in range(5)]
    for user in workers:
        MembershipFactory(project=project, user=user)
    for user in workers:
        _label_everything(project, user)
    for item in gold:
        assert Annotation.objects.filter(item=item).count() == len(workers)
    for item in regular:  # ordinary items still stop at the overlap
        assert Annotation.objects.filter(item=item).count() == 1


def test_gold_items_held_by_others_still_go_to_the_next_annotator(project, annotators):
    project.overlap = 1
    project.gold_rate = 1.0
    project.save()
    gold = ItemFactory(project=project, is_gold=True, gold_value={"label": "positive"})
    leases = [engine.next_item(project, user) for user in annotators]
    assert [lease.item_id for lease in leases] == [gold.pk] * len(annotators)


def test_an_annotator_never_gets_the_same_gold_item_twice(project, annotator):
    project.gold_rate = 1.0
    project.save()
    gold = ItemFactory(project=project, is_gold=True, gold_value={"label": "positive"})
    assert _label_everything(project, annotator) == [gold.pk]
