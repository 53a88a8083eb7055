"""How every app's worker tasks retry transient database errors (shared_task keyword arguments).

A terminated database connection (failover, restart, idle kill) raises OperationalError, or
InterfaceError once Django finds the connection closed; Celery's Django fix-up closes unusable
connections after each run, so a retry gets a fresh one. Only idempotent tasks use this: the
message may have half run. Backoff 2, 4, 8, ... s (at most 60), with jitter, at most 5 times.
"""

from __future__ import annotations

from typing import Any

from django.db import InterfaceError, OperationalError

MAX_RETRIES = 5

TRANSIENT_DB_RETRY: dict[str, Any] = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": MAX_RETRIES,
}
