"""A project's webhooks: register, change, remove, send a test ping, redeliver.

Each write runs in one transaction and is audited (never with the secret). Role checks (lead
of the project) belong to the caller's selector step (labeling.webhooks.selectors).
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import ip_address
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from labeling.announce import deliveries_queue, payload_build
from labeling.exceptions import ValueInvalid
from labeling.models import Project, Webhook, WebhookDelivery
from labeling.services.audit import audit_record
from labeling.webhooks.addresses import UrlRefused, address_problem, url_parts
from labeling.webhooks.catalogue import PING, WebhookEvent
from labeling.webhooks.signing import secret_generate

MAX_URL = 2000
MIN_SECRET, MAX_SECRET = 16, 200
MAX_HOOKS_PER_PROJECT = 20


def _clean_url(url: str) -> str:
    """The URL if it is http(s) and, when its host is an address, an allowed one.

    Host names are resolved at each send (labeling.webhooks.addresses.resolve), not here: the
    name may not resolve from this machine yet, and the answer may change anyway.
    """
    url = (url or "").strip()
    if len(url) > MAX_URL:
        raise ValueInvalid(f"The URL is longer than {MAX_URL} characters")
    try:
        _, host, _, _ = url_parts(url)
        URLValidator(schemes=["http", "https"])(url)
    except UrlRefused as error:
        raise ValueInvalid(str(error)) from error
    except ValidationError as error:
        raise ValueInvalid("Enter a valid URL, such as https://example.org/accord-hook") from error
    try:
        literal = ip_address(host)
    except ValueError:
        return url  # a host name
    problem = address_problem(literal, allow_private=settings.ACCORD_WEBHOOK_ALLOW_PRIVATE)
    if problem:
        raise ValueInvalid(f"{host}: {problem}")
    return url


def _clean_events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    unknown = [name for name in chosen if name not in WebhookEvent.values]
    if unknown:
        raise ValueInvalid(f"Unknown events {', '.join(unknown)}; choose from {', '.join(WebhookEvent.values)}")
    if not chosen:
        raise ValueInvalid("Choose at least one event")
    return chosen


def _clean_secret(secret: str) -> str:
    secret = (secret or "").strip()
    if not MIN_SECRET <= len(secret) <= MAX_SECRET:
        raise ValueInvalid(f"The secret must be {MIN_SECRET} to {MAX_SECRET} characters")
    return secret


def _lock_project(project_id: int) -> None:
    """Serialise the hook writes of a project (the hook count, Project.webhook_events)."""
    Project.objects.select_for_update().filter(pk=project_id).values_list("pk").first()


def _events_refresh(project_id: int) -> None:
    """Write Project.webhook_events: the events some active hook of the project wants.

    labeling.announce reads it from the Project row writers already hold, so a project
    without hooks costs them nothing. Call it with the project row locked."""
    wanted: set[str] = set()
    for events in Webhook.objects.filter(project_id=project_id, is_active=True).values_list("events", flat=True):
        wanted.update(events)
    Project.objects.filter(pk=project_id).update(webhook_events=sorted(wanted))


def _shown(hook: Webhook) -> dict[str, Any]:
    """What the audit log keeps of a hook (never its secret)."""
    return {"url": hook.url, "events": hook.events, "is_active": hook.is_active}


def webhook_create(
    *,
    project: Project,
    actor: AbstractBaseUser | None,
    url: str,
    events: Iterable[str],
    secret: str = "",
    is_active: bool = True,
) -> Webhook:
    """Register a hook; an empty `secret` gets a generated one. Returns the hook, whose
    `secret` the caller shows once. Raises ValueInvalid (bad URL, events or secret, or the
    project already has MAX_HOOKS_PER_PROJECT hooks)."""
    with transaction.atomic():
        _lock_project(project.pk)
        if Webhook.objects.filter(project=project).count() >= MAX_HOOKS_PER_PROJECT:
            raise ValueInvalid(f"A project can have at most {MAX_HOOKS_PER_PROJECT} webhooks")
        hook = Webhook.objects.create(
            project=project,
            url=_clean_url(url),
            events=_clean_events(events),
            secret=_clean_secret(secret) if secret else secret_generate(),
            is_active=is_active,
            created_by=actor,
        )
        _events_refresh(project.pk)
        audit_record(project=project, actor=actor, action="webhook.create",
                     target_type="webhook", target_id=hook.pk, after=_shown(hook))
    return hook


def webhook_update(
    *,
    webhook: Webhook,
    actor: AbstractBaseUser | None,
    url: str | None = None,
    events: Iterable[str] | None = None,
    secret: str | None = None,
    is_active: bool | None = None,
) -> Webhook:
    """Change the fields given (None keeps one); a new secret replaces the old at once.
    Raises ValueInvalid like webhook_create."""
    with transaction.atomic():
        _lock_project(webhook.project_id)
        hook = Webhook.objects.select_for_update().get(pk=webhook.pk)
        before = _shown(hook)
        if url is not None:
            hook.url = _clean_url(url)
        if events is not None:
            hook.events = _clean_events(events)
        if secret:
            hook.secret = _clean_secret(secret)
        if is_active is not None:
            hook.is_active = is_active
        hook.save()
        _events_refresh(hook.project_id)
        after = {**_shown(hook), **({"secret": "changed"} if secret else {})}
        audit_record(project=hook.project, actor=actor, action="webhook.update",
                     target_type="webhook", target_id=hook.pk, before=before, after=after)
    return hook


def webhook_delete(*, webhook: Webhook, actor: AbstractBaseUser | None) -> None:
    """Remove the hook and its delivery log; sends under way find no row and stop."""
    with transaction.atomic():
        _lock_project(webhook.project_id)
        audit_record(project=webhook.project, actor=actor, action="webhook.delete",
                     target_type="webhook", target_id=webhook.pk, before=_shown(webhook))
        webhook.delete()
        _events_refresh(webhook.project_id)


def webhook_ping(*, webhook: Webhook, actor: AbstractBaseUser | None) -> WebhookDelivery:
    """Queue a "ping" event to this hook only (active or not); returns its delivery."""
    data = {"webhook": {"id": webhook.pk, "events": webhook.events},
            "sent_by": actor.get_username() if actor else None}
    with transaction.atomic():
        payload = payload_build(webhook.project_id, PING, data)
        return deliveries_queue(hook_ids=[webhook.pk], payload=payload)[0]


def delivery_redeliver(
    *, delivery: WebhookDelivery, actor: AbstractBaseUser | None
) -> WebhookDelivery:
    """Send a delivery's event again as a new delivery (same event id and payload, so a
    receiver that keeps event ids sees the repeat); returns the new delivery."""
    original = delivery.redelivery_of or delivery
    with transaction.atomic():
        audit_record(project=delivery.webhook.project, actor=actor, action="webhook.redeliver",
                     target_type="webhook_delivery", target_id=delivery.pk)
        payload = {key: value for key, value in delivery.payload.items() if key != "id"}
        return deliveries_queue(
            hook_ids=[delivery.webhook_id], payload=payload, redelivery_of=original
        )[0]
