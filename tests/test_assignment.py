"""The assignment engine: policies, leases, skips, overlap, gold, escalation, rounds, gate."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from labeling.assignment import engine
from labeling.exceptions import AssignmentClosed, GuidelineAckRequired, NotFound
from labeling.models import (
    Assignment,
    AssignmentStatus,
    ItemReviewer,
    Membership,
    OrderingPolicy,
    Role,
)
from labeling.services.annotations import annotation_submit, assignment_release, assignment_skip
from tests.factories import (
    AnnotationFactory,
    AssignmentFactory,
    ItemFactory,
)

pytestmark = pytest.mark.django_db


def items_for(project, n, **kwargs):
    return [ItemFactory(project=project, **kwargs) for _ in range(n)]


def annotate(item, user, **kwargs):
    annotation = AnnotationFactory(item=item, annotator=user, **kwargs)
    item.annotation_count += 1
    item.save(update_fields=["annotation_count"])
    return annotation


def test_in_progress_first_prefers_items_that_already_have_annotations(project, annotators):
    fresh, started = items_for(project, 2)
    annotate(started, annotators[1])
    assignment = engine.next_item(project, annotators[0])
    assert assignment.item == started
    assert fresh.pk < started.pk


def test_sequential_hands_out_items_in_id_order(project, annotators):
    project.ordering = OrderingPolicy.SEQUENTIAL
    project.save()
    first, second = items_for(project, 2)
    annotate(second, annotators[1])
    assert engine.next_item(project, annotators[0]).item == first


def test_random_order_is_stable_per_annotator_and_differs_between_annotators(project, annotators):
    project.ordering = OrderingPolicy.RANDOM
    project.save()
    items_for(project, 30)
    now = timezone.now()

    def order(user):
        return engine.candidate_ids(project=project, user=user, now=now, rng=random.Random(1))

    first, again, other = order(annotators[0]), order(annotators[0]), order(annotators[1])
    assert first == again
    assert first != other
    assert sorted(first) == sorted(other)
    assert first != sorted(first)


@pytest.mark.parametrize("policy", [OrderingPolicy.UNCERTAINTY_FIRST, OrderingPolicy.RARE_FIRST])
def test_prediction_policies_fall_back_to_in_progress_first(project, annotators, policy):
    project.ordering = policy
    project.save()
    _fresh, started = items_for(project, 2)
    annotate(started, annotators[1])
    assert engine.next_item(project, annotators[0]).item == started


def test_next_returns_the_live_lease_instead_of_claiming_another(project, annotator):
    items_for(project, 3)
    first = engine.next_item(project, annotator)
    again = engine.next_item(project, annotator)
    assert again.pk == first.pk
    assert Assignment.objects.filter(annotator=annotator).count() == 1


def test_lease_expires_after_the_project_lease_minutes(project, annotator):
    project.lease_minutes = 10
    project.save()
    items_for(project, 1)
    now = timezone.now()
    assignment = engine.next_item(project, annotator, now=now)
    assert assignment.expires_at == now + timedelta(minutes=10)


def test_expired_leases_stop_counting_and_are_marked_lazily(project, annotators):
    project.overlap = 1
    project.save()
    (item,) = items_for(project, 1)
    stale = AssignmentFactory(
        item=item, annotator=annotators[1], expires_at=timezone.now() - timedelta(minutes=1)
    )
    assignment = engine.next_item(project, annotators[0])
    assert assignment.item == item
    stale.refresh_from_db()
    assert stale.status == AssignmentStatus.EXPIRED


def test_an_annotator_whose_lease_expired_can_claim_the_item_again(project, annotator):
    (item,) = items_for(project, 1)
    AssignmentFactory(item=item, annotator=annotator, expires_at=timezone.now() - timedelta(seconds=1))
    assignment = engine.next_item(project, annotator)
    assert assignment.item == item
    assert assignment.status == AssignmentStatus.ACTIVE


def test_overlap_caps_live_assignments_per_item(project, annotators):
    project.overlap = 2
    project.save()
    (item,) = items_for(project, 1)
    got = [engine.next_item(project, user) for user in annotators]
    assert [a.item if a else None for a in got] == [item, item, None]


def test_an_item_is_never_given_twice_to_the_same_annotator(project, annotator):
    (item,) = items_for(project, 1)
    annotate(item, annotator)
    assert engine.next_item(project, annotator) is None


def test_annotations_count_against_overlap(project, annotators):
    project.overlap = 2
    project.save()
    (item,) = items_for(project, 1)
    annotate(item, annotators[1])
    annotate(item, annotators[2])
    assert engine.next_item(project, annotators[0]) is None


def test_skip_returns_the_item_to_others_but_not_to_the_skipper(project, annotators):
    project.overlap = 1
    project.save()
    first, second = items_for(project, 2)
    assignment = engine.next_item(project, annotators[0])
    assert assignment.item == first
    skipped = assignment_skip(assignment_id=assignment.pk, user=annotators[0])
    assert skipped.status == AssignmentStatus.SKIPPED
    assert engine.next_item(project, annotators[0]).item == second
    assert engine.next_item(project, annotators[1]).item == first


def test_a_skipped_item_comes_back_to_its_skipper_after_the_skip_memory(project, annotator):
    (item,) = items_for(project, 1)
    assignment = engine.next_item(project, annotator)
    assignment_skip(assignment_id=assignment.pk, user=annotator)
    assert engine.next_item(project, annotator) is None
    later = timezone.now() + engine.SKIP_MEMORY + timedelta(minutes=1)
    assert engine.next_item(project, annotator, now=later).item == item


def test_release_frees_the_slot_and_the_item_may_come_back(project, annotator):
    (item,) = items_for(project, 1)
    assignment = engine.next_item(project, annotator)
    released = assignment_release(assignment_id=assignment.pk, user=annotator)
    assert released.status == AssignmentStatus.RELEASED
    with pytest.raises(AssignmentClosed):
        assignment_release(assignment_id=assignment.pk, user=annotator)
    assert engine.next_item(project, annotator).item == item


def test_target_overlap_lets_an_escalated_item_take_one_more_annotator(project, annotators):
    project.overlap = 2
    project.save()
    (item,) = items_for(project, 1)
    annotate(item, annotators[1])
    annotate(item, annotators[2])
    assert engine.next_item(project, annotators[0]) is None
    item.target_overlap = 3
    item.save()
    assert engine.next_item(project, annotators[0]).item == item


def test_reopened_round_goes_to_the_listed_annotators_only(project, annotators):
    project.overlap = 2
    project.save()
    (item,) = items_for(project, 1)
    annotate(item, annotators[0])
    annotate(item, annotators[1])
    item.round = 2
    item.reopened_for = [annotators[1].pk]
    item.save()
    assert engine.next_item(project, annotators[0]) is None
    assignment = engine.next_item(project, annotators[1])
    assert assignment.item == item
    assert assignment.round == 2


def test_reopened_round_without_a_list_goes_back_to_earlier_annotators(project, annotators):
    (item,) = items_for(project, 1)
    annotate(item, annotators[0], round=1)
    item.round = 2
    item.save()
    assert engine.next_item(project, annotators[0]).item == item


def test_reopened_items_come_before_fresh_ones(project, annotators):
    project.overlap = 1
    project.save()
    _fresh, reopened = items_for(project, 2)
    annotate(reopened, annotators[0])
    reopened.round = 2
    reopened.save()
    assert engine.next_item(project, annotators[0]).item == reopened


def test_settled_items_are_not_handed_out(project, annotator, reviewer):
    items_for(project, 1, final_value={"label": "positive"}, final_reviewer=reviewer)
    assert engine.next_item(project, annotator) is None


def test_a_reviewer_is_not_given_an_item_they_reviewed(project, reviewer):
    reviewed, other = items_for(project, 2)
    ItemReviewer.objects.create(item=reviewed, user=reviewer)
    assert engine.next_item(project, reviewer).item == other
    assert engine.next_item(project, reviewer, ahead=True) is None


def test_guideline_gate_requires_the_version_in_force_to_be_acknowledged(project, annotator):
    items_for(project, 1)
    project.guideline_version = 2
    project.save()
    with pytest.raises(GuidelineAckRequired) as caught:
        engine.next_item(project, annotator)
    assert caught.value.status_code == 409
    assert caught.value.code == "guideline_ack_required"
    Membership.objects.filter(user=annotator).update(acknowledged_version=2)
    assert engine.next_item(project, annotator) is not None


def test_outsiders_cannot_claim(project, outsider):
    items_for(project, 1)
    with pytest.raises(NotFound):
        engine.next_item(project, outsider)


def test_remaining_counts_what_the_annotator_could_still_get(project, annotators):
    project.overlap = 1
    project.save()
    first, _second, third = items_for(project, 3)
    annotate(first, annotators[1])
    AssignmentFactory(item=third, annotator=annotators[2])
    assert engine.remaining_count(project=project, user=annotators[0]) == 1
    engine.next_item(project, annotators[0])
    assert engine.remaining_count(project=project, user=annotators[0]) == 1


def test_any_member_role_may_annotate(project, lead, reviewer):
    items_for(project, 2)
    assert engine.next_item(project, lead) is not None
    assert engine.next_item(project, reviewer) is not None
    assert {m.role for m in Membership.objects.filter(user__in=[lead, reviewer])} == {
        Role.LEAD,
        Role.REVIEWER,
    }


def test_ahead_holds_one_more_lease_for_prefetching_and_no_more(project, annotator):
    first_item, second_item, _third = items_for(project, 3)
    first = engine.next_item(project, annotator)
    ahead = engine.next_item(project, annotator, ahead=True)
    assert (first.item, ahead.item) == (first_item, second_item)
    assert engine.next_item(project, annotator, ahead=True).pk == ahead.pk
    assert engine.next_item(project, annotator).pk == first.pk
    assert Assignment.objects.filter(annotator=annotator, status=AssignmentStatus.ACTIVE).count() == 2


def test_submit_after_an_annotation_of_the_same_item_was_imported_is_refused_and_stores_nothing(
    project, annotator
):
    item = items_for(project, 1)[0]
    lease = engine.next_item(project, annotator)
    imported = AnnotationFactory(item=item, annotator=annotator, value={"label": "negative"})

    with pytest.raises(AssignmentClosed, match="already labeled"):
        annotation_submit(assignment_id=lease.pk, user=annotator, value={"label": "positive"})

    lease.refresh_from_db()
    imported.refresh_from_db()
    assert lease.status == AssignmentStatus.ACTIVE
    assert imported.value == {"label": "negative"}
    assert item.annotations.count() == 1


def test_candidate_ids_list_the_pool_in_claim_order_and_the_claim_takes_the_first(project, annotators):
    project.overlap = 2
    project.save(update_fields=["overlap"])
    fresh, started, full = items_for(project, 3)
    annotate(started, annotators[1])
    for user in annotators[1:]:
        annotate(full, user)

    order = engine.candidate_ids(project=project, user=annotators[0])

    assert order == [started.pk, fresh.pk]
    assert engine.next_item(project, annotators[0]).item_id == order[0]


def test_remaining_is_counted_no_further_than_the_cap(project, annotators, client):
    items_for(project, 5)
    assert engine.remaining_count(project=project, user=annotators[0], cap=3) == 4  # "more than 3"
    assert engine.remaining_count(project=project, user=annotators[0], cap=10) == 5
    engine.next_item(project, annotators[0])  # the live lease counts too, still capped
    assert engine.remaining_count(project=project, user=annotators[0], cap=2) == 3


def test_the_progress_api_says_when_more_remain_than_counted(project, annotators, client, monkeypatch):
    items_for(project, 3)
    client.force_login(annotators[0])
    url = f"/api/projects/{project.pk}/progress"
    assert client.get(url).json() == {"done": 0, "remaining": 3, "remaining_more": False}
    monkeypatch.setattr(engine, "REMAINING_CAP", 2)
    monkeypatch.setattr(engine.remaining_count, "__kwdefaults__", {"cap": 2})
    assert client.get(url).json() == {"done": 0, "remaining": 2, "remaining_more": True}
