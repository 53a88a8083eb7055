"""Celery queues by task name: imports, prelabel, review and default (issue 18).

A long import or pre-label job sits on its own queue, so flag recomputation never waits
behind it; the embedded worker consumes every queue.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

import frontend.tasks  # noqa: F401 - registers the tasks, as a worker would
import labeling.tasks  # noqa: F401
import review.tasks  # noqa: F401
from config.celery import app as celery_app
from labeling import task_names

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    "labeling.run_import_job": "imports",
    "labeling.run_prelabel_job": "prelabel",
    "labeling.prelabel_batch": "prelabel",
    "labeling.retrain_model": "prelabel",
    "labeling.sweep_pending_items": "default",
    "labeling.sweep_stalled_jobs": "default",
    "review.process_pending_items": "review",
    "review.recompute_project_agreement": "review",
    "review.refresh_project_flags": "review",
    "review.hold_reopened_flags": "review",
}


def queue_of(name: str) -> str:
    """The queue a message for task `name` goes to (send_task and delay route alike)."""
    return celery_app.amqp.router.route({}, name)["queue"].name


@pytest.mark.parametrize(("task", "queue"), sorted(EXPECTED.items()))
def test_each_task_goes_to_its_queue(task, queue):
    assert queue_of(task) == queue


def test_every_accord_task_goes_to_a_known_queue():
    ours = [name for name in celery_app.tasks if name.startswith(("labeling.", "review.", "guidelines."))]

    assert ours
    assert {name: queue_of(name) for name in ours if queue_of(name) not in settings.ACCORD_QUEUES} == {}


def test_imports_and_prelabel_never_share_the_review_queue():
    assert queue_of("labeling.run_import_job") != queue_of("review.process_pending_items")
    assert queue_of("labeling.prelabel_batch") != queue_of("review.process_pending_items")


def test_the_embedded_worker_of_make_run_consumes_every_queue():
    makefile = (ROOT / "Makefile").read_text()
    consumed = re.search(r"celery -A config worker .*?-Q (\S+)", makefile)

    assert consumed is not None
    assert set(consumed.group(1).split(",")) == set(settings.ACCORD_QUEUES)


def compose_services() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_the_compose_workers_together_consume_every_queue_and_events_are_on():
    workers = {name: s["command"] for name, s in compose_services().items() if " worker " in f" {s.get('command', '')} "}
    consumed = set()
    for command in workers.values():
        consumed |= set(re.search(r"-Q (\S+)", command).group(1).split(","))
        assert " -E " in command

    assert len(workers) >= 3
    assert consumed == set(settings.ACCORD_QUEUES)


def test_the_compose_stack_has_a_bucket_and_checks_web_readiness():
    services = compose_services()

    assert {"db", "redis", "minio", "web", "beat"} <= set(services)
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["web"]["environment"]["AWS_STORAGE_BUCKET_NAME"]


def test_every_accord_task_has_its_name_in_the_task_name_table():
    prefixes = ("labeling.", "review.", "guidelines.", "frontend.")
    ours = {name for name in celery_app.tasks if name.startswith(prefixes)}
    assert ours == set(task_names.ALL)


def test_routes_and_the_beat_schedule_name_tasks_of_the_table():
    routed = {name for name in settings.CELERY_TASK_ROUTES if not name.endswith("*")}
    beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert routed | beat <= task_names.ALL
