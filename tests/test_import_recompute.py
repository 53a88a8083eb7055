"""Background work after an import is proportional to what arrived labeled (issue 20).

An import of unlabeled items sends no task at all; an import with annotations flags exactly
its labeled items for the review drain, which recomputes those and no others. These run on
both databases: SQLite takes the two-pass writer, PostgreSQL the one-pass COPY.
"""

from __future__ import annotations

import json

import pytest
from celery.app.task import Task

from config.celery import app
from labeling.events import ITEMS_PENDING
from labeling.models import Item
from labeling.services.imports import import_file
from tests.factories_import import item_line, jsonl_write

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_tasks(monkeypatch):
    """Record the name of every task sent (by name, delay, apply_async or eagerly) and run none."""
    sent: list[tuple[str, list]] = []

    def record(task, args=None, *rest, **options):
        sent.append((task.name, list(args or [])))

    monkeypatch.setattr(Task, "apply_async", record)
    monkeypatch.setattr(Task, "apply", record)
    monkeypatch.setattr(app, "send_task", lambda name, args=None, **kw: sent.append((name, list(args or []))))
    return sent


def _unlabeled(count: int) -> list[dict]:
    return [item_line(f"u{n}", f"text {n}") for n in range(count)]


def test_importing_unlabeled_items_sends_no_background_task(project, tmp_path, sent_tasks, django_capture_on_commit_callbacks):
    path = jsonl_write(tmp_path / "plain.jsonl", _unlabeled(40))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_file(project=project, path=path)

    assert Item.objects.filter(project=project).count() == 40
    assert sent_tasks == []
    assert callbacks == []
    assert not Item.objects.filter(project=project, recompute_pending=True).exists()


def test_importing_items_with_predictions_only_sends_no_background_task(project, tmp_path, sent_tasks, django_capture_on_commit_callbacks):
    lines = _unlabeled(5)
    for line in lines:
        line["predictions"] = [{"model": "m1", "value": {"label": "positive"}, "score": 0.8}]
    path = jsonl_write(tmp_path / "guessed.jsonl", lines)

    with django_capture_on_commit_callbacks(execute=True):
        import_file(project=project, path=path)

    assert sent_tasks == []


def test_labeled_items_arrive_flagged_for_recompute_and_one_drain_is_sent(project, tmp_path, sent_tasks, django_capture_on_commit_callbacks):
    lines = [item_line("l1", alice="positive", bob="negative"), item_line("l2", alice="positive"), *_unlabeled(6)]
    path = jsonl_write(tmp_path / "mixed.jsonl", lines)

    with django_capture_on_commit_callbacks(execute=True):
        import_file(project=project, path=path)

    pending = Item.objects.filter(project=project, recompute_pending=True)
    assert sorted(pending.values_list("external_id", flat=True)) == ["l1", "l2"]
    assert all(since is not None for since in pending.values_list("recompute_pending_since", flat=True))
    assert sent_tasks == [(ITEMS_PENDING, [project.pk])]
    assert json.loads(json.dumps(sent_tasks[0][1])) == [project.pk]


def test_the_drain_after_an_import_recomputes_exactly_the_labeled_items(project, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    from review import services

    recomputed: list[int] = []
    real = services.item_recompute

    def spy(*, item_id):
        recomputed.append(item_id)
        return real(item_id=item_id)

    monkeypatch.setattr(services, "item_recompute", spy)
    monkeypatch.setattr("review.tasks.agreement.project_recompute_schedule", lambda project_id: False)
    lines = [*_unlabeled(5), item_line("l1", alice="positive", bob="positive"), item_line("l2", alice="negative")]
    path = jsonl_write(tmp_path / "mixed.jsonl", lines)

    with django_capture_on_commit_callbacks(execute=True):
        import_file(project=project, path=path)

    labeled = Item.objects.filter(project=project, annotation_count__gt=0)
    assert sorted(recomputed) == sorted(labeled.values_list("pk", flat=True))
    assert labeled.get(external_id="l1").aggregate_value == {"label": "positive"}
    assert not Item.objects.filter(project=project, recompute_pending=True).exists()
