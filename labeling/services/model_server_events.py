"""Training a project's model server: Label Studio webhook events, recorded and sent once.

A submitted or edited annotation (when settings.prelabel.train_on_annotation, on by default)
records ANNOTATION_CREATED or ANNOTATION_UPDATED; a lead's "Train" records START_TRAINING. Each
is a ModelServerEvent row with a unique key, created in the writing transaction; the task
`labeling.send_model_server_event` [event_id] runs after commit and POSTs /webhook. Sending is
idempotent (a sent event is never sent again) and retried on transient errors; an event whose
server keeps failing, or answers 4xx, is marked failed with the server's message.
"""

from __future__ import annotations

import logging
import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from labeling import task_names
from labeling.events import send_after_commit
from labeling.models import (
    Annotation,
    ModelServerEvent,
    ModelServerEventStatus,
    Project,
)
from labeling.prelabel import ls_payloads
from labeling.prelabel.exceptions import PrelabelUnavailable, TransientBackendError
from labeling.prelabel.http_client import client_for, server_call
from labeling.services import model_server
from labeling.services.audit import audit_record

logger = logging.getLogger(__name__)

SEND_TASK = task_names.SEND_MODEL_SERVER_EVENT
ANNOTATION_CREATED = "ANNOTATION_CREATED"
ANNOTATION_UPDATED = "ANNOTATION_UPDATED"
START_TRAINING = "START_TRAINING"


def _trains_on_annotations(project: Project) -> bool:
    public = model_server.prelabel_public(project)
    return bool(public.get("url")) and public.get("train_on_annotation", True) is not False


def model_server_annotation_event(*, project: Project, annotation: Annotation, created: bool) -> None:
    """Record an annotation event for the project's model server and send it after commit.

    Call inside the transaction that wrote `annotation`. Does nothing (no query) when the
    project has no model server or does not train on annotations.
    """
    if not _trains_on_annotations(project):
        return
    action = ANNOTATION_CREATED if created else ANNOTATION_UPDATED
    event, made = ModelServerEvent.objects.get_or_create(
        key=f"annotation:{annotation.pk}:{annotation.updated_at.isoformat()}",
        defaults={"project": project, "action": action, "annotation_id": annotation.pk},
    )
    if made:
        send_after_commit(SEND_TASK, [event.pk])


@transaction.atomic
def model_server_train(*, project: Project, user: AbstractBaseUser | None) -> ModelServerEvent:
    """A lead's "Train": record START_TRAINING, audit it, send it after commit.

    Raises PrelabelUnavailable when the project has no model server URL.
    """
    if not model_server.prelabel_public(project).get("url"):
        raise PrelabelUnavailable("Set the model server URL before asking it to train")
    event = ModelServerEvent.objects.create(
        project=project, action=START_TRAINING, key=f"train:{uuid.uuid4().hex}", created_by=user
    )
    audit_record(
        project=project, actor=user, action="prelabel.train", target_type="model_server_event",
        target_id=event.pk, after={"action": START_TRAINING},
    )  # fmt: skip
    send_after_commit(SEND_TASK, [event.pk])
    return event


def model_server_event_send(*, event_id: int) -> ModelServerEvent | None:
    """POST the event to the project's /webhook unless it was sent already; returns the row.

    Raises TransientBackendError (after counting the attempt) so the task retries; a 4xx
    answer, a missing URL or a deleted annotation marks the event failed instead.
    """
    event = ModelServerEvent.objects.select_related("project").filter(pk=event_id).first()
    if event is None or event.status == ModelServerEventStatus.SENT:
        return event
    ModelServerEvent.objects.filter(pk=event.pk).update(attempts=event.attempts + 1)
    try:
        answer = _post(event)
    except TransientBackendError as error:
        ModelServerEvent.objects.filter(pk=event.pk).update(error=str(error)[:2000])
        raise
    except PrelabelUnavailable as error:
        model_server_event_fail(event_id=event.pk, error=error)
        return ModelServerEvent.objects.get(pk=event.pk)
    ModelServerEvent.objects.filter(pk=event.pk).exclude(status=ModelServerEventStatus.SENT).update(
        status=ModelServerEventStatus.SENT, sent_at=timezone.now(), error="", response=answer
    )
    return ModelServerEvent.objects.get(pk=event.pk)


def _post(event: ModelServerEvent) -> dict[str, object]:
    project = event.project
    config = model_server.model_server_config(project)
    if config is None:
        raise PrelabelUnavailable("The project no longer has a model server URL")
    payload: dict[str, object] = {
        "action": event.action,
        "project": ls_payloads.project_payload(
            project, project_key=model_server.model_server_project_key(project)
        ),
    }
    if event.action != START_TRAINING:
        annotation = (
            Annotation.objects.select_related("item").filter(pk=event.annotation_id).first()
        )
        if annotation is None:
            raise PrelabelUnavailable("The annotation was deleted before it could be sent")
        image = (
            model_server.item_image_url(project.pk, annotation.item_id)
            if project.data_type == "image" else None
        )  # fmt: skip
        payload["annotation"] = ls_payloads.annotation_payload(annotation, project.schema)
        payload["task"] = ls_payloads.task_payload(annotation.item, image_url=image)
    return server_call(client_for(config), "POST", "/webhook", payload)


def model_server_event_fail(*, event_id: int, error: Exception) -> None:
    """Mark an unsent event failed with the error's message."""
    message = getattr(error, "message", None) or str(error) or error.__class__.__name__
    logger.warning("model server event %s failed: %s", event_id, message)
    ModelServerEvent.objects.filter(pk=event_id).exclude(status=ModelServerEventStatus.SENT).update(
        status=ModelServerEventStatus.FAILED, error=message[:2000]
    )

