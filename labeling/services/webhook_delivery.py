"""Sending webhook deliveries: one attempt at a time, retried with exponential backoff.

An attempt claims its delivery with a conditional UPDATE (pending, the attempt count it read,
not scheduled later), so a duplicate task message or a second worker sends nothing, and a
finished delivery is never sent again. The claim leases the row for the send's timeout.

Retried: connection errors and timeouts, 5xx, 408 and 429, up to ACCORD_WEBHOOK_MAX_ATTEMPTS.
Failed at once: other answers outside 2xx (a receiver that says 400 or 404 will say it again;
redirects are not followed) and URLs that resolve to refused addresses.
"""

from __future__ import annotations

import json
import logging
import random
from datetime import timedelta
from time import time

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from labeling.announce import DELIVER_TASK
from labeling.events import enqueue
from labeling.models import WebhookDelivery
from labeling.webhooks import signing
from labeling.webhooks.addresses import UrlRefused, resolve
from labeling.webhooks.catalogue import DeliveryStatus
from labeling.webhooks.transport import Outcome, post

logger = logging.getLogger(__name__)

RETRY_CAP_S = 3600
JITTER = 0.1  # up to 10% on top of each delay, so failed hooks do not retry in lockstep
SLACK = timedelta(seconds=2)  # a retry message may arrive this early (broker clock, countdown)
LEASE_MARGIN_S = 30  # an attempt holds its row for the timeout plus this
SWEEP_GRACE = timedelta(minutes=2)  # a due delivery untouched this long lost its task message
RETRYABLE = frozenset({408, 429})


def retry_delay(attempt: int) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based): base * 2**(attempt-1),
    capped at RETRY_CAP_S, plus up to JITTER of it."""
    delay = min(RETRY_CAP_S, settings.ACCORD_WEBHOOK_RETRY_BASE_S * 2 ** (attempt - 1))
    return delay * (1 + JITTER * random.random())  # noqa: S311 - jitter, not a secret


def delivery_attempt(*, delivery_id: int) -> float | None:
    """Make the next attempt of a pending delivery; returns the delay before the next one, or
    None when there is none (sent, failed for good, gone, or claimed by another run)."""
    now = timezone.now()
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return None
    if delivery.next_attempt_at and delivery.next_attempt_at > now + SLACK:
        return None  # early duplicate, or another attempt holds the lease
    if delivery.attempts >= settings.ACCORD_WEBHOOK_MAX_ATTEMPTS:
        # Only reachable when attempts ended without a result (a worker died mid-send).
        _update(delivery, delivery.attempts, {"status": DeliveryStatus.FAILED, "finished_at": now,
                                              "next_attempt_at": None,
                                              "error": delivery.error or "No answer recorded"})
        return None
    attempt = delivery.attempts + 1
    lease = now + timedelta(seconds=settings.ACCORD_WEBHOOK_TIMEOUT_S + LEASE_MARGIN_S)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts
    ).update(attempts=attempt, last_attempt_at=now, next_attempt_at=lease)
    if not claimed:
        return None
    outcome = _send(delivery, attempt)
    return _record(delivery, attempt, outcome)


def _send(delivery: WebhookDelivery, attempt: int) -> Outcome | str:
    """POST the delivery once; a refused URL comes back as its message (not retried)."""
    try:
        target = resolve(delivery.webhook.url)
    except UrlRefused as error:
        return str(error)
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
    stamp = int(time())
    headers = {
        signing.SIGNATURE_HEADER: signing.signature(delivery.webhook.secret, stamp, body),
        signing.TIMESTAMP_HEADER: str(stamp),
        signing.EVENT_HEADER: delivery.event,
        signing.EVENT_ID_HEADER: str(delivery.event_id),
        signing.DELIVERY_HEADER: str(delivery.pk),
        "X-Accord-Attempt": str(attempt),
    }
    return post(target, body, headers, timeout=settings.ACCORD_WEBHOOK_TIMEOUT_S)


def _record(delivery: WebhookDelivery, attempt: int, outcome: Outcome | str) -> float | None:
    """Write the attempt's result; returns the retry delay when another attempt is due."""
    now = timezone.now()
    fields: dict[str, object] = {"finished_at": now, "next_attempt_at": None}
    if isinstance(outcome, str):
        fields.update(status=DeliveryStatus.FAILED, error=outcome, response_code=None)
        _update(delivery, attempt, fields)
        return None
    fields.update(response_code=outcome.status, duration_ms=outcome.duration_ms)
    if outcome.status is not None and 200 <= outcome.status < 300:
        fields.update(status=DeliveryStatus.SUCCEEDED, error="")
        _update(delivery, attempt, fields)
        return None
    fields["error"] = outcome.error or f"HTTP {outcome.status}: {outcome.reply[:500]}"
    retryable = outcome.status is None or outcome.status >= 500 or outcome.status in RETRYABLE
    if retryable and attempt < settings.ACCORD_WEBHOOK_MAX_ATTEMPTS:
        delay = retry_delay(attempt)
        fields.update(finished_at=None, next_attempt_at=now + timedelta(seconds=delay))
        _update(delivery, attempt, fields)
        return delay
    fields["status"] = DeliveryStatus.FAILED
    _update(delivery, attempt, fields)
    logger.info("webhook delivery %s failed after %s attempts: %s", delivery.pk, attempt, fields["error"])
    return None


def _update(delivery: WebhookDelivery, attempt: int, fields: dict[str, object]) -> None:
    # Only the run that claimed this attempt writes its result.
    WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=attempt
    ).update(**fields)


def delivery_run(*, delivery_id: int) -> None:
    """The task body: attempt, and schedule the retry the attempt asks for."""
    delay = delivery_attempt(delivery_id=delivery_id)
    if delay is not None:
        enqueue(DELIVER_TASK, [delivery_id], countdown=delay)


def deliveries_sweep(*, now: object = None) -> list[int]:
    """Re-send the task of pending deliveries that are overdue by SWEEP_GRACE (their message
    was lost: broker restart, worker killed mid-send). Returns their ids. Idempotent: a
    duplicate message is refused by the attempt's claim."""
    now = now or timezone.now()
    before = now - SWEEP_GRACE  # type: ignore[operator]
    overdue = Q(next_attempt_at__lt=before) | Q(next_attempt_at__isnull=True, created_at__lt=before)
    ids = list(
        WebhookDelivery.objects.filter(overdue, status=DeliveryStatus.PENDING)
        .order_by("id")
        .values_list("pk", flat=True)[:1000]
    )
    for delivery_id in ids:
        enqueue(DELIVER_TASK, [delivery_id])
    return ids
