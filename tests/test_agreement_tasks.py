"""Agreement tasks: per-item recompute on submit, debounced project snapshots, idempotence."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from labeling import events
from labeling.events import ITEMS_PENDING, PROJECT_CHANGED
from labeling.models import Item
from labeling.services.items import pending_flag
from review.models import AgreementSnapshot
from review.tasks.agreement import (
    DEBOUNCE_SECONDS,
    PENDING_KEY,
    process_pending_items_task,
    project_recompute_schedule,
    recompute_project_agreement_task,
)
from tests.factories import AnnotationFactory, ItemFactory, ProjectFactory


@pytest.fixture(autouse=True)
def _clear_debounce_keys(project):
    cache.delete(PENDING_KEY.format(project_id=project.pk))
    yield
    cache.delete(PENDING_KEY.format(project_id=project.pk))


@pytest.fixture
def item(project, annotators):
    item = ItemFactory(project=project)
    for user, label in zip(annotators, ["negative", "positive", "negative"], strict=True):
        AnnotationFactory(item=item, annotator=user, value={"label": label})
    return item


def recompute(item_id: int) -> int:
    """What a submit sets off: the item flagged for recompute, then its project's drain."""
    Item.objects.filter(pk=item_id).update(**pending_flag(timezone.now()))
    return process_pending_items_task(Item.objects.get(pk=item_id).project_id)


def test_task_names_match_the_names_labeling_enqueues():
    assert process_pending_items_task.name == ITEMS_PENDING
    assert recompute_project_agreement_task.name == PROJECT_CHANGED


def test_task_arguments_survive_a_json_round_trip(item):
    Item.objects.filter(pk=item.pk).update(**pending_flag(timezone.now()))
    args = json.loads(json.dumps([item.project_id]))
    process_pending_items_task.apply(args=args, throw=True)
    assert Item.objects.get(pk=item.pk).aggregate_value == {"label": "negative"}


def test_submitted_annotation_sets_aggregate_confidence_and_agreement(item):
    recompute(item.pk)
    item.refresh_from_db()
    assert item.aggregate_value == {"label": "negative"}
    assert item.aggregate_method == "majority"
    assert item.aggregate_confidence == pytest.approx(2 / 3)
    assert item.agreement == pytest.approx(2 / 3)


def test_processing_the_same_item_twice_changes_nothing(item):
    recompute(item.pk)
    first = Item.objects.filter(pk=item.pk).values().get()
    recompute(item.pk)
    second = Item.objects.filter(pk=item.pk).values().get()
    assert first == second


def test_item_with_one_label_has_an_aggregate_but_no_agreement(project, annotator):
    lone = ItemFactory(project=project)
    AnnotationFactory(item=lone, annotator=annotator, value={"label": "neutral"})
    recompute(lone.pk)
    lone.refresh_from_db()
    assert lone.aggregate_value == {"label": "neutral"}
    assert lone.agreement is None


def test_a_drain_of_a_missing_project_does_nothing(db):
    assert process_pending_items_task(987654) == 0
    assert not AgreementSnapshot.objects.exists()


def test_a_burst_of_submits_schedules_one_project_recompute(
    project, item, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setitem(events.app.conf, "task_always_eager", False)
    monkeypatch.setattr(events, "enqueue", lambda name, args, **options: sent.append((args, options)))
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            project_recompute_schedule(project.pk)
    assert sent == [([project.pk], {"countdown": DEBOUNCE_SECONDS})]


def test_project_recompute_stores_a_snapshot_once_and_clears_the_debounce(project, item):
    cache.add(PENDING_KEY.format(project_id=project.pk), "1")
    recompute_project_agreement_task(project.pk)
    recompute_project_agreement_task(project.pk)
    assert AgreementSnapshot.objects.filter(project=project).count() == 1
    assert cache.get(PENDING_KEY.format(project_id=project.pk)) is None
    assert AgreementSnapshot.objects.get(project=project).report["annotations"] == 3


def test_dawid_skene_project_run_fills_aggregates_with_its_method(annotators):
    project = ProjectFactory(schema={
        "kind": "single", "data": "text",
        "labels": [{"value": "a"}, {"value": "b"}],
        "settings": {"overlap": 3, "aggregation": "dawid_skene"},
    })  # fmt: skip
    items = [ItemFactory(project=project) for _ in range(4)]
    for item, labels in zip(items, ["aab", "bba", "aaa", "bbb"], strict=True):
        for user, label in zip(annotators, labels, strict=True):
            AnnotationFactory(item=item, annotator=user, value={"label": label})
    recompute_project_agreement_task(project.pk)
    rows = Item.objects.filter(project=project).order_by("id")
    assert [r.aggregate_method for r in rows] == ["dawid_skene"] * 4
    assert [r.aggregate_value["label"] for r in rows] == ["a", "b", "a", "b"]
    assert all(0.5 < r.aggregate_confidence <= 1 for r in rows)
    cache.delete(PENDING_KEY.format(project_id=project.pk))


def test_a_second_project_run_writes_no_item_rows(project, item):
    recompute_project_agreement_task(project.pk)
    with CaptureQueriesContext(connection) as queries:
        recompute_project_agreement_task(project.pk)
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "labeling_item"')]
    assert updates == []
    assert Item.objects.get(pk=item.pk).aggregate_value == {"label": "negative"}


def test_project_run_repairs_a_tampered_aggregate(project, item):
    recompute_project_agreement_task(project.pk)
    Item.objects.filter(pk=item.pk).update(aggregate_value={"label": "positive"})
    recompute_project_agreement_task(project.pk)
    assert Item.objects.get(pk=item.pk).aggregate_value == {"label": "negative"}


def test_per_item_tie_follows_the_label_frequency_of_the_last_snapshot(project, annotators):
    # Project-wide, "neutral" is the most used label; an item tied 1-1 resolves to it.
    for labels in (["neutral", "neutral", "neutral"], ["neutral", "negative", "neutral"]):
        item = ItemFactory(project=project)
        for user, label in zip(annotators, labels, strict=True):
            AnnotationFactory(item=item, annotator=user, value={"label": label})
    recompute_project_agreement_task(project.pk)
    tied = ItemFactory(project=project)
    AnnotationFactory(item=tied, annotator=annotators[0], value={"label": "positive"})
    AnnotationFactory(item=tied, annotator=annotators[1], value={"label": "neutral"})
    recompute(tied.pk)
    tied.refresh_from_db()
    assert tied.aggregate_value == {"label": "neutral"}
    assert tied.agreement == 0.5
