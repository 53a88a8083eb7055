"""Lost recompute messages: a minute sweep sends drains again; worker tasks retry a lost database."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from labeling import events
from labeling.assignment import engine
from labeling.models import Item
from labeling.services import annotation_edit, annotation_submit
from labeling.task_retry import MAX_RETRIES
from labeling.tasks.pending import SWEEP_PENDING_ITEMS, sweep_pending_items_task
from review.tasks.agreement import process_pending_items_task
from tests.factories import ItemFactory


def _submit_with_the_broker_down(monkeypatch, capture, project, user, label):
    """Claim and submit while every send to the broker fails; returns the annotation."""
    sent = []

    def unreachable(name, args=None, countdown=None):
        sent.append(name)
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setitem(events.app.conf, "task_always_eager", False)
        patch.setattr(events.app, "send_task", unreachable)
        cache.delete(events._default_key(events.ITEMS_PENDING, [project.pk]))
        patch.setattr(events, "_covered_until", {})
        lease = engine.next_item(project, user)
        with capture(execute=True):
            annotation = annotation_submit(
                assignment_id=lease.pk, user=user, value={"label": label}
            )
    assert sent == [events.ITEMS_PENDING]
    return annotation


def _age(item, seconds):
    Item.objects.filter(pk=item.pk).update(
        recompute_pending_since=timezone.now() - timedelta(seconds=seconds)
    )


def test_a_submit_with_the_broker_down_succeeds_and_the_sweep_recomputes_the_item(
    project, annotator, monkeypatch, django_capture_on_commit_callbacks
):
    ItemFactory(project=project)
    annotation = _submit_with_the_broker_down(
        monkeypatch, django_capture_on_commit_callbacks, project, annotator, "negative"
    )
    item = Item.objects.get(pk=annotation.item_id)
    assert (item.recompute_pending, item.aggregate_value) == (True, None)
    assert item.recompute_pending_since is not None
    assert sweep_pending_items_task() == 0  # flagged just now: its drain may still be coming
    _age(item, 61)
    assert sweep_pending_items_task() == 1
    item.refresh_from_db()
    assert item.aggregate_value == {"label": "negative"}
    assert (item.recompute_pending, item.recompute_pending_since) == (False, None)
    assert sweep_pending_items_task() == 0


def test_a_second_flag_keeps_the_time_of_the_first(
    project, annotators, monkeypatch, django_capture_on_commit_callbacks
):
    ItemFactory(project=project)
    first = _submit_with_the_broker_down(
        monkeypatch, django_capture_on_commit_callbacks, project, annotators[0], "negative"
    )
    _age(first.item, 120)
    since = Item.objects.get(pk=first.item_id).recompute_pending_since
    with monkeypatch.context() as patch:
        patch.setattr(events, "drain_pending_on_commit", lambda project_id: None)
        annotation_edit(annotation_id=first.pk, user=annotators[0], value={"label": "positive"})
    assert Item.objects.get(pk=first.item_id).recompute_pending_since == since


def test_items_flagged_before_the_timestamp_existed_count_as_old(project):
    item = ItemFactory(project=project, recompute_pending=True, recompute_pending_since=None)
    assert sweep_pending_items_task() == 1
    assert Item.objects.get(pk=item.pk).recompute_pending is False


def test_beat_runs_the_sweep_every_minute():
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == SWEEP_PENDING_ITEMS]
    assert entry["schedule"] <= 60
    assert SWEEP_PENDING_ITEMS in events.app.tasks


def test_worker_tasks_retry_a_lost_database_connection(db, monkeypatch):
    calls = []

    def flaky(*, project_id):
        calls.append(project_id)
        if len(calls) < 3:
            raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("review.tasks.agreement.item_pending_take", flaky)
    # Eager retries run in-process; propagating would raise the first Retry instead.
    monkeypatch.setitem(events.app.conf, "task_eager_propagates", False)
    result = process_pending_items_task.apply(args=[7], throw=False)
    assert result.successful()
    assert calls == [7, 7, 7]


def test_worker_tasks_give_up_after_five_retries(db, monkeypatch):
    calls = []

    def down(*, project_id):
        calls.append(project_id)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("review.tasks.agreement.item_pending_take", down)
    monkeypatch.setitem(events.app.conf, "task_eager_propagates", False)
    result = process_pending_items_task.apply(args=[7], throw=False)
    assert result.failed()
    assert isinstance(result.result, OperationalError)
    assert len(calls) == MAX_RETRIES + 1
    assert process_pending_items_task.retry_backoff
