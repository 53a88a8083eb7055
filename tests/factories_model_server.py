"""Helpers for model server tests: eager tasks that retry like a worker does."""

from __future__ import annotations

import json

import pytest

from config.celery import app as celery_app


@pytest.fixture
def worker_retries(monkeypatch):
    """Run enqueued tasks eagerly but with a worker's retry semantics.

    Eager `apply(throw=True)` (labeling.events.enqueue, and `.delay` while eager errors
    propagate) raises Celery's Retry instead of running the retries; a worker runs them.
    Here every retry runs at once (no countdown) and arguments go through JSON, as a broker
    sends them; a task that finally fails leaves its state in the database, as in a worker.
    """

    def enqueue(name, args, *, countdown=None):
        if name not in celery_app.tasks:
            celery_app.loader.import_default_modules()
        task = celery_app.tasks.get(name)
        if task is not None:  # as labeling.events.enqueue: another app's task may be absent
            task.apply(args=json.loads(json.dumps(args)), throw=False)

    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    monkeypatch.setattr("labeling.events.enqueue", enqueue)
    monkeypatch.setattr("labeling.tasks.prelabel.enqueue", enqueue)
