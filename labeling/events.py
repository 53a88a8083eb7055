"""Tell other apps that something happened, without importing them: send a task by name.

labeling sits below review and guidelines, so it never imports them; it names their tasks
(labeling.task_names). There is one way to send: `send_after_commit`, called inside the writing
transaction, so the task runs only if it commits and sees what it wrote (`send` is the same
without the wait, for task bodies and page views that follow no write).

Both may pace its sends with `at_most_every_s`: a send is skipped while a cache key (shared by
every process) set by an earlier send of the same key lives. Two uses:
- debounce: with `countdown` >= the window, the task that was sent starts after every commit
  skipped for it, so none is lost (submits send at most one drain per project per DRAIN_EVERY_S,
  delayed by DRAIN_DELAY_S; a drain recomputes all of a project's flagged items). Each process
  also remembers how long a sent task covers its commits, so most skips cost no cache trip;
- throttle: without a delay the skipped sends are dropped (a whole-project refresh at most every
  few minutes), or the task deletes the key when it starts or ends (one in flight).
Eager mode (tests, CELERY_TASK_ALWAYS_EAGER) runs the task at once, before the caller returns;
it cannot delay, so a debounced send is never skipped there. A lost message (broker down) is
logged, not raised: the write it follows is committed, and the sweeps catch up.
"""

from __future__ import annotations

import json
import logging
from time import monotonic
from typing import Any

from django.core.cache import cache
from django.db import transaction

from config.celery import app
from labeling import task_names

logger = logging.getLogger(__name__)

# Stable task names owned by other apps (labeling.task_names has them all).
PROJECT_CHANGED = task_names.RECOMPUTE_PROJECT_AGREEMENT
ITEMS_PENDING = task_names.PROCESS_PENDING_ITEMS
ITEMS_REOPENED = task_names.HOLD_REOPENED_FLAGS
# Aggregates, p_wrong and every flag of a project: after a settings change, an import with
# annotations, a finished pre-label job. A burst of triggers coalesces into one run.
PROJECT_REFRESH = task_names.REFRESH_PROJECT
REFRESH_DELAY_S = 2  # window and delay of PROJECT_REFRESH sends

DRAIN_EVERY_S = 1
DRAIN_DELAY_S = 2.0  # > DRAIN_EVERY_S: the drain starts after every commit it was skipped for
# Debounced keys -> monotonic time until which a task already sent covers this process's commits.
_covered_until: dict[str, float] = {}


def send_after_commit(
    name: str,
    args: list[Any],
    *,
    at_most_every_s: int | None = None,
    key: str | None = None,
    countdown: float | None = None,
) -> None:
    """Once the current transaction commits, `send` task `name` (never for rolled-back writes).

    The pacing is decided at commit, so a rolled-back write does not use up the window.
    Outside a transaction it sends at once.
    """
    transaction.on_commit(
        lambda: send(name, args, at_most_every_s=at_most_every_s, key=key, countdown=countdown)
    )


def send(
    name: str,
    args: list[Any],
    *,
    at_most_every_s: int | None = None,
    key: str | None = None,
    countdown: float | None = None,
) -> bool:
    """Send task `name` with `args` (ids and JSON scalars) now, to start `countdown` s from now.

    With `at_most_every_s` (whole seconds), skip the send while `key` (default: the name and
    the arguments) was taken less than that long ago; the owner of a key may delete it to open
    the window early. Eager mode runs the task in-process (see the module docstring). Returns
    False when the send was skipped.
    """
    eager = app.conf.task_always_eager
    paced = at_most_every_s is not None and not (eager and countdown)
    if paced and _skipped(key or _default_key(name, args), at_most_every_s or 0, countdown):
        return False
    if countdown and not eager:
        enqueue(name, args, countdown=countdown)
    else:
        enqueue(name, args)
    return True


def enqueue(name: str, args: list[Any], *, countdown: float | None = None) -> None:
    """Send now, unpaced: `send` calls it after pacing, task bodies and sweeps directly (tests
    replace it to record sends).

    `send_task` ignores eager mode, so eager runs look the task up in the registry instead;
    an unregistered name is logged and skipped (the owning app is not installed).
    """
    if app.conf.task_always_eager:
        _run_eagerly(name, args)
        return
    try:
        app.send_task(name, args=args, countdown=countdown)
    except Exception:
        # The write this event follows is already committed; a broker outage must not turn
        # it into an error for the user. The sweeps and the next project recompute catch up.
        logger.exception("could not enqueue %s%s", name, args)


def _default_key(name: str, args: list[Any]) -> str:
    return f"events:sent:{name}:{json.dumps(args, sort_keys=True)}"


def _skipped(key: str, every_s: int, countdown: float | None) -> bool:
    """Whether this send falls in the window of an earlier one (see `send`).

    A debounced key (countdown >= window, never deleted early) is also remembered in this
    process, so most submits skip without a cache round trip: after taking the key at t, the
    task sent covers commits until t + countdown; after finding it taken at t (by a send at
    most every_s earlier), that send's task covers commits until t + countdown - every_s.
    """
    debounced = countdown is not None and countdown >= every_s
    now = monotonic()
    if debounced and _covered_until.get(key, 0.0) > now:
        return True
    taken = _window_open(key, every_s)
    if debounced:
        _covered_until[key] = now + (every_s if taken else countdown - every_s)  # type: ignore[operator]
    return not taken


def _window_open(key: str, seconds: int) -> bool:
    """Take the key for `seconds` (atomic add); False when an earlier send holds it."""
    try:
        return bool(cache.add(key, "1", timeout=seconds))
    except Exception:
        # Cache down: sending too often beats never sending (tasks are idempotent).
        logger.exception("could not pace %s; sending", key)
        return True


def _run_eagerly(name: str, args: list[Any]) -> None:
    if name not in app.tasks:
        # Outside a worker nothing has imported the apps' task modules yet.
        app.loader.import_default_modules()
    task = app.tasks.get(name)
    if task is None:
        logger.warning("task %s is not registered; skipped", name)
        return
    task.apply(args=args, throw=True)


def refresh_project_on_commit(project_id: int) -> None:
    """After commit, recompute the project's aggregates, p_wrong and flags (review's job)."""
    send_after_commit(
        PROJECT_REFRESH, [project_id], at_most_every_s=REFRESH_DELAY_S, countdown=REFRESH_DELAY_S
    )


def drain_pending_on_commit(project_id: int) -> None:
    """After commit, make sure a drain of the project's flagged items is on its way."""
    send_after_commit(
        ITEMS_PENDING, [project_id], at_most_every_s=DRAIN_EVERY_S, countdown=DRAIN_DELAY_S
    )
