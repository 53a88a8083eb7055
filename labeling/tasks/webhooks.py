"""Webhook tasks: send one delivery (retrying itself with backoff), sweep lost ones."""

from __future__ import annotations

from celery import shared_task

from labeling.announce import DELIVER_TASK
from labeling.services.webhook_delivery import deliveries_sweep, delivery_run

__all__ = ["deliver_webhook_task", "sweep_webhook_deliveries_task"]


@shared_task(name=DELIVER_TASK, acks_late=True)
def deliver_webhook_task(delivery_id: int) -> None:
    """Attempt delivery `delivery_id` (idempotent: a sent, failed or claimed one is left alone)."""
    delivery_run(delivery_id=delivery_id)


@shared_task(name="labeling.sweep_webhook_deliveries")
def sweep_webhook_deliveries_task() -> None:
    """Beat, every minute: re-send the tasks of overdue pending deliveries."""
    deliveries_sweep()
