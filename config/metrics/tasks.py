"""Celery task runs, failures and runtime by task name, kept in the shared cache.

Workers run on any machine and are not scraped one by one: each task adds to integer counters
in Django's cache (Redis in production, the file cache on the embedded default), which the
web process's /metrics reads. Counting is best effort: a cache error never fails a task.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import signals
from django.core.cache import cache

logger = logging.getLogger(__name__)

KEY = "accord:metrics:task:{kind}:{name}"
KINDS = ("runs", "failures", "milliseconds")
_started: dict[str, float] = {}  # task id -> perf_counter at prerun (this worker process)


def task_counts(names: list[str]) -> dict[str, dict[str, int]]:
    """{task name: {"runs", "failures", "milliseconds"}} for tasks with any count."""
    keys = {KEY.format(kind=kind, name=name): (name, kind) for name in names for kind in KINDS}
    found = cache.get_many(list(keys))
    counts: dict[str, dict[str, int]] = {}
    for key, value in found.items():
        name, kind = keys[key]
        counts.setdefault(name, dict.fromkeys(KINDS, 0))[kind] = int(value)
    return counts


def _add(kind: str, name: str, amount: int) -> None:
    key = KEY.format(kind=kind, name=name)
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key, amount)
    except Exception:  # a counter is not worth failing a task for
        logger.warning("could not count task metric %s", key, exc_info=True)


@signals.task_prerun.connect
def _task_started(task_id: str | None = None, **_: Any) -> None:
    if task_id:
        _started[task_id] = time.perf_counter()


@signals.task_postrun.connect
def _task_finished(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    started = _started.pop(task_id or "", None)
    if task is None or started is None:
        return
    _add("runs", task.name, 1)
    _add("milliseconds", task.name, round((time.perf_counter() - started) * 1000))


@signals.task_failure.connect
def _task_failed(sender: Any = None, **_: Any) -> None:
    if sender is not None:
        _add("failures", sender.name, 1)
