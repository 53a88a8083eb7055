"""Sending training events to a project's model server (labeling.services.model_server_events)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from labeling.prelabel.exceptions import TRANSIENT_ERRORS
from labeling.services import model_server_events as service
from labeling.tasks.prelabel import RETRY

__all__ = ["send_model_server_event_task"]


@shared_task(bind=True, name=service.SEND_TASK, acks_late=True, **RETRY)
def send_model_server_event_task(self: Any, event_id: int) -> str:
    """POST one webhook event to the model server; idempotent (a sent event is skipped).

    Transient errors (connection, timeout, 5xx) are retried with backoff; when the retries
    run out the event is marked failed with the server's message. Returns the event's status.
    """
    try:
        event = service.model_server_event_send(event_id=event_id)
    except TRANSIENT_ERRORS as error:
        if self.request.retries >= (self.max_retries or 0):
            service.model_server_event_fail(event_id=event_id, error=error)
        raise
    return event.status if event is not None else "gone"
