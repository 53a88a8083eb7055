"""The one place where Accord announces what happened in a project to the outside world.

Writers call `announce` inside their transaction, once per event: annotation.created and
annotation.updated (labeling.services.annotations), item.settled (labeling.services.items),
guideline.published (guidelines.services), job.finished (imports and pre-label jobs).

Webhooks use the outbox pattern: the delivery rows are written in the writer's transaction,
so an event exists exactly when its write committed, and the send tasks are enqueued after
commit. A project without active hooks pays nothing: Project.webhook_events (kept by the hook
services) says which events anyone listens to, and the writers pass the Project row they hold
anyway; `data` is a callable, built only when someone listens.

Other consumers (e.g. training events for model servers) register with `listen`; they are
called inside the same transaction and should enqueue their work with send_after_commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from django.db import transaction
from django.utils import timezone

from labeling import task_names
from labeling.events import send_after_commit
from labeling.models import Project, Webhook, WebhookDelivery

DELIVER_TASK = task_names.DELIVER_WEBHOOK  # args: [delivery_id]

Data = Callable[[], dict[str, Any]]
Listener = Callable[[int, str, Data], None]
_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Call `listener(project_id, event, data)` for every announcement (idempotent)."""
    if listener not in _listeners:
        _listeners.append(listener)


def announce(*, project: Project | int, event: str, data: Data) -> None:
    """Announce `event` (a labeling.webhooks.catalogue.WebhookEvent value) of a project.

    Call it inside the writing transaction (or in autocommit right after the write). It queues
    one delivery per active hook of the project subscribed to `event`; `data()` builds the
    event's data object, at most once and only when a hook or listener wants it. Given the
    Project row the writer already holds, a project without hooks costs no query at all;
    given an id, one primary-key read.
    """
    project_id = project.pk if isinstance(project, Project) else project
    subscribed = event in _subscribed_events(project)
    if not subscribed and not _listeners:
        return  # the common case: nobody listens, nothing more to do
    data = cache(data)
    if subscribed:
        hooks = [
            hook_id
            for hook_id, events in Webhook.objects.filter(
                project_id=project_id, is_active=True
            ).values_list("id", "events")
            if event in events
        ]
        if hooks:
            deliveries_queue(hook_ids=hooks, payload=payload_build(project_id, event, data()))
    for listener in _listeners:
        listener(project_id, event, data)


def _subscribed_events(project: Project | int) -> list[str]:
    if isinstance(project, Project):
        return project.webhook_events or []
    found = Project.objects.filter(pk=project).values_list("webhook_events", flat=True).first()
    return found or []


def payload_build(project_id: int, event: str, data: dict[str, Any]) -> dict[str, Any]:
    """The envelope every delivery sends (deliveries_queue adds the event id): event name,
    time, project and data."""
    project = Project.objects.values("id", "name").get(pk=project_id)
    return {
        "event": event,
        "created_at": timezone.now().isoformat(),
        "project": project,
        "data": data,
    }


def deliveries_queue(
    *, hook_ids: Iterable[int], payload: dict[str, Any], redelivery_of: WebhookDelivery | None = None
) -> list[WebhookDelivery]:
    """Write a pending delivery of `payload` per hook and send each once the transaction commits.

    All rows of one call share one event id (the payload's "id"; a redelivery keeps the one of
    the delivery it repeats).
    """
    template = WebhookDelivery(event=payload["event"], payload={})
    event_id = redelivery_of.event_id if redelivery_of else template.event_id
    payload = {"id": str(event_id), **payload}
    with transaction.atomic():
        rows = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                webhook_id=hook_id,
                event=payload["event"],
                event_id=event_id,
                payload=payload,
                redelivery_of=redelivery_of,
            )
            for hook_id in hook_ids
        )
        for row in rows:
            send_after_commit(DELIVER_TASK, [row.pk])
    return rows
