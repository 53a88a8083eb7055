"""Flagged-item recompute: submits flag items, drains recompute them, sends are debounced."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from labeling import events
from labeling.models import Item
from review.models import AgreementSnapshot
from review.tasks.agreement import PENDING_KEY, process_pending_items_task
from tests.factories import AnnotationFactory, ItemFactory


@pytest.fixture(autouse=True)
def _clear_debounce_keys(project):
    cache.delete(PENDING_KEY.format(project_id=project.pk))
    yield
    cache.delete(PENDING_KEY.format(project_id=project.pk))


def labeled(project, annotators, labels, *, pending=True):
    item = ItemFactory(project=project)
    for user, label in zip(annotators, labels, strict=False):
        AnnotationFactory(item=item, annotator=user, value={"label": label})
    Item.objects.filter(pk=item.pk).update(recompute_pending=pending)
    return item


def test_drain_recomputes_only_flagged_items_and_clears_their_flags(project, annotators):
    flagged = labeled(project, annotators, ["negative", "positive", "negative"])
    untouched = labeled(project, annotators, ["positive", "positive"], pending=False)
    assert process_pending_items_task(project.pk) == 1
    flagged.refresh_from_db()
    untouched.refresh_from_db()
    assert (flagged.aggregate_value, flagged.recompute_pending) == ({"label": "negative"}, False)
    assert flagged.agreement == pytest.approx(2 / 3)
    assert untouched.aggregate_value is None


def test_a_second_drain_finds_nothing_and_changes_nothing(project, annotators):
    item = labeled(project, annotators, ["negative", "positive", "negative"])
    process_pending_items_task(project.pk)
    first = Item.objects.filter(pk=item.pk).values().get()
    assert process_pending_items_task(project.pk) == 0
    assert Item.objects.filter(pk=item.pk).values().get() == first


def test_drain_schedules_the_project_snapshot(project, annotators, django_capture_on_commit_callbacks):
    labeled(project, annotators, ["negative", "negative"])
    with django_capture_on_commit_callbacks(execute=True):
        process_pending_items_task(project.pk)
    assert AgreementSnapshot.objects.filter(project=project).exists()


def test_drain_stops_at_its_limit_and_sends_itself_again(project, annotators, monkeypatch):
    for _ in range(3):
        labeled(project, annotators, ["neutral"])
    sent = []
    monkeypatch.setattr("review.tasks.agreement.enqueue", lambda name, args: sent.append((name, args)))
    assert process_pending_items_task(project.pk, limit=2) == 2
    assert Item.objects.filter(project=project, recompute_pending=True).count() == 1
    assert sent == [(events.ITEMS_PENDING, [project.pk])]


def test_drain_leaves_other_projects_flags(project, annotators):
    other = labeled(project, annotators, ["neutral"])
    assert process_pending_items_task(other.project_id + 999_999) == 0
    assert Item.objects.get(pk=other.pk).recompute_pending is True


@pytest.fixture
def sends(monkeypatch):
    """Sends as a worker-backed deployment makes them (not eager), recorded: (args, countdown)."""
    sent: list[tuple[list[int], float | None]] = []
    monkeypatch.setitem(events.app.conf, "task_always_eager", False)
    monkeypatch.setattr(events, "enqueue", lambda name, args, countdown=None: sent.append((args, countdown)))
    monkeypatch.setattr(events, "_covered_until", {})
    keys = [events._default_key(events.ITEMS_PENDING, [project_id]) for project_id in (7, 8, 9)]
    cache.delete_many(keys)
    yield sent
    cache.delete_many(keys)


def test_sends_are_debounced_per_project_and_delayed_past_the_window(
    sends, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for project_id in (7, 7, 7, 8):
            events.drain_pending_on_commit(project_id)
    assert sends == [([7], events.DRAIN_DELAY_S), ([8], events.DRAIN_DELAY_S)]
    assert events.DRAIN_DELAY_S > events.DRAIN_EVERY_S


def test_a_send_from_another_process_covers_this_ones_commits_until_its_drain_starts(
    sends, monkeypatch, django_capture_on_commit_callbacks
):
    def commit_and_drain():
        with django_capture_on_commit_callbacks(execute=True):
            events.drain_pending_on_commit(7)

    # given project 7's window taken by another process at 100.0 (its drain starts at 102.0)
    clock = iter([100.4, 100.9, 101.3, 101.5, 102.4])
    monkeypatch.setattr(events, "monotonic", lambda: next(clock))
    assert cache.add(events._default_key(events.ITEMS_PENDING, [7]), "1", timeout=1)
    # when this process commits at 100.4 (asks the cache), 100.9 and 101.3 (remembers)
    for _ in range(3):
        commit_and_drain()
    assert sends == []
    # then past 100.4 + DRAIN_DELAY_S - DRAIN_EVERY_S it asks the cache again, and sends
    cache.delete(events._default_key(events.ITEMS_PENDING, [7]))  # the window has passed
    commit_and_drain()
    commit_and_drain()  # 102.4 < 101.5 + DRAIN_EVERY_S: its own send covers it
    assert sends == [([7], events.DRAIN_DELAY_S)]


def test_a_rolled_back_write_does_not_use_up_the_window(sends, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as dropped:
        events.drain_pending_on_commit(9)  # this transaction rolls back: its callback never runs
    assert len(dropped) == 1
    with django_capture_on_commit_callbacks(execute=True):
        events.drain_pending_on_commit(9)
    assert sends == [([9], events.DRAIN_DELAY_S)]
