"""Tell other apps that something happened, without importing them: enqueue a task by name.

labeling sits below review and guidelines, so it never imports them; it names their tasks.
Call `enqueue_on_commit` inside the writing transaction: the task runs only if it commits.
"""

from __future__ import annotations

import logging

from django.db import transaction

from config.celery import app

logger = logging.getLogger(__name__)

# Stable task names owned by other apps.
ANNOTATION_SUBMITTED = "review.process_submitted_annotation"  # args: [item_id]
PROJECT_CHANGED = "review.recompute_project_agreement"  # args: [project_id]


def enqueue(name: str, args: list[int | str]) -> None:
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
        app.send_task(name, args=args)
    except Exception:
        # The write this event follows is already committed; a broker outage must not turn
        # it into an error for the user. The next project recompute catches up.
        logger.exception("could not enqueue %s%s", name, args)


def enqueue_on_commit(name: str, args: list[int | str]) -> None:
    """Enqueue `name` once the current transaction commits (never for rolled-back writes)."""
    transaction.on_commit(lambda: enqueue(name, args))
