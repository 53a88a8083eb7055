"""Reads of webhooks and their delivery log; leads of the project only.

Outsiders get NotFound and other members PermissionDenied (labeling.permissions), and a hook
or delivery id of another project is NotFound.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from labeling.choices import Role
from labeling.exceptions import NotFound
from labeling.models import Webhook, WebhookDelivery
from labeling.permissions import project_for_role

User = AbstractBaseUser | AnonymousUser


def webhook_list(*, user: User, project_id: int) -> QuerySet[Webhook]:
    """The project's hooks, oldest first."""
    project = project_for_role(user, project_id, [Role.LEAD])
    return Webhook.objects.filter(project=project).order_by("id")


def webhook_get(*, user: User, project_id: int, webhook_id: int) -> Webhook:
    """One hook of the project (with its project loaded)."""
    project = project_for_role(user, project_id, [Role.LEAD])
    hook = Webhook.objects.filter(project=project, pk=webhook_id).first()
    if hook is None:
        raise NotFound("No such webhook")
    hook.project = project
    return hook


def delivery_list(
    *, user: User, project_id: int, webhook_id: int, before_id: int | None = None
) -> QuerySet[WebhookDelivery]:
    """The hook's deliveries, newest first (payloads deferred: the log does not show them);
    only those older than delivery `before_id` when it is given (the log's next page)."""
    hook = webhook_get(user=user, project_id=project_id, webhook_id=webhook_id)
    rows = WebhookDelivery.objects.filter(webhook=hook).defer("payload").order_by("-id")
    return rows if before_id is None else rows.filter(pk__lt=before_id)


def delivery_get(
    *, user: User, project_id: int, webhook_id: int, delivery_id: int
) -> WebhookDelivery:
    """One delivery of the hook, with the hook and its project loaded."""
    hook = webhook_get(user=user, project_id=project_id, webhook_id=webhook_id)
    delivery = WebhookDelivery.objects.filter(webhook=hook, pk=delivery_id).first()
    if delivery is None:
        raise NotFound("No such delivery")
    delivery.webhook = hook
    return delivery
