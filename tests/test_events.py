"""labeling.events: enqueue by task name, eagerly in tests, and never fail a committed write."""

import logging

from config.celery import app
from labeling import events


def test_a_broker_outage_is_logged_not_raised(monkeypatch, caplog):
    def broken_send_task(name, args):
        raise ConnectionError("broker down")

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(app, "send_task", broken_send_task)
    with caplog.at_level(logging.ERROR, logger="labeling.events"):
        events.enqueue("review.recompute_project_agreement", [1])
    assert "could not enqueue review.recompute_project_agreement" in caplog.text


def test_eager_mode_runs_a_task_registered_by_name(monkeypatch):
    seen = []

    @app.task(name="tests.record_event")
    def record(value):
        seen.append(value)

    events.enqueue("tests.record_event", [7])
    assert seen == [7]

