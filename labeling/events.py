"""Tell other apps that something happened, without importing them: enqueue a task by name.

labeling sits below review and guidelines, so it never imports them; it names their tasks.
Call `enqueue_on_commit` inside the writing transaction: the task runs only if it commits.

Submits and edits do not send a task each. They set Item.recompute_pending in their own write
and call `drain_pending_on_commit`, which sends at most one drain per project per DRAIN_EVERY_S
from each process, delayed by DRAIN_DELAY_S. Since that delay is longer than the window, a drain
runs after every commit it stood for, so no flagged item waits for a later submit. A drain
recomputes all of a project's flagged items; a lost message (broker down) leaves the flags for
the next one.
"""

from __future__ import annotations

import logging
from time import monotonic
from typing import Any

from django.db import transaction

from config.celery import app
from labeling import task_names

logger = logging.getLogger(__name__)

# Stable task names owned by other apps (labeling.task_names has them all).
PROJECT_CHANGED = task_names.RECOMPUTE_PROJECT_AGREEMENT
ITEMS_PENDING = task_names.PROCESS_PENDING_ITEMS
ITEMS_REOPENED = task_names.HOLD_REOPENED_FLAGS
# Aggregates, p_wrong and every flag of a project, now (no throttle): after a settings change,
# an import with annotations, a finished pre-label job.
PROJECT_REFRESH = task_names.REFRESH_PROJECT
REFRESH_DELAY_S = 2.0  # lets a burst of triggers in one process coalesce into one run

DRAIN_EVERY_S = 1.0
DRAIN_DELAY_S = 2.0  # > DRAIN_EVERY_S: the drain starts after every commit it was skipped for
_drains_sent: dict[int, float] = {}
_refreshes_sent: dict[int, float] = {}  # project id -> monotonic time of this process's last drain


def enqueue(name: str, args: list[Any], *, countdown: float | None = None) -> None:
    """Send task `name`. In eager mode (tests, CELERY_TASK_ALWAYS_EAGER) run it in-process.

    `send_task` ignores eager mode, so eager runs look the task up in the registry instead;
    an unregistered name is logged and skipped (the owning app is not installed).
    """
    if app.conf.task_always_eager:
        if name not in app.tasks:
            # Outside a worker nothing has imported the apps' task modules yet.
            app.loader.import_default_modules()
        task = app.tasks.get(name)
        if task is None:
            logger.warning("task %s is not registered; skipped", name)
            return
        task.apply(args=args, throw=True)
        return
    try:
        app.send_task(name, args=args, countdown=countdown)
    except Exception:
        # The write this event follows is already committed; a broker outage must not turn
        # it into an error for the user. The next project recompute catches up.
        logger.exception("could not enqueue %s%s", name, args)


def enqueue_on_commit(name: str, args: list[Any]) -> None:
    """Enqueue `name` once the current transaction commits (never for rolled-back writes)."""
    transaction.on_commit(lambda: enqueue(name, args))


def refresh_project_on_commit(project_id: int) -> None:
    """After commit, recompute the project's aggregates, p_wrong and flags (review's job).

    Eager mode (tests, CELERY_TASK_ALWAYS_EAGER) runs it at commit, before the caller returns.
    Otherwise at most one is sent per project per REFRESH_DELAY_S from each process.
    """
    transaction.on_commit(lambda: _refresh_soon(project_id))


def _refresh_soon(project_id: int) -> None:
    if app.conf.task_always_eager:
        enqueue(PROJECT_REFRESH, [project_id])
        return
    now = monotonic()
    if now - _refreshes_sent.get(project_id, -REFRESH_DELAY_S) < REFRESH_DELAY_S:
        return  # the refresh sent moments ago starts after this commit and sees it
    _refreshes_sent[project_id] = now
    enqueue(PROJECT_REFRESH, [project_id], countdown=REFRESH_DELAY_S)


def drain_pending_on_commit(project_id: int) -> None:
    """After commit, make sure a drain of the project's flagged items is on its way."""
    transaction.on_commit(lambda: _drain_soon(project_id))


def _drain_soon(project_id: int) -> None:
    if app.conf.task_always_eager:
        enqueue(ITEMS_PENDING, [project_id])
        return
    now = monotonic()
    if now - _drains_sent.get(project_id, -DRAIN_DELAY_S) < DRAIN_EVERY_S:
        return  # the drain sent less than DRAIN_EVERY_S ago starts after this commit
    _drains_sent[project_id] = now
    enqueue(ITEMS_PENDING, [project_id], countdown=DRAIN_DELAY_S)
