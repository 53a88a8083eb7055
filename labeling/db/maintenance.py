"""Database upkeep after bulk writes (PostgreSQL)."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection, transaction
from django.db.models import Model

logger = logging.getLogger(__name__)


def table_analyze(model: type[Model]) -> None:
    """ANALYZE the model's table (needs table ownership: DatabaseError otherwise)."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def table_analyze_after_load(model: type[Model]) -> None:
    """After a bulk load, refresh PostgreSQL's planner statistics of the model's table.

    Until autovacuum gets to it, stale statistics make the planner scan the whole project
    for each page of items (an export right after a large import becomes quadratic).
    Annotations and predictions are read by item id ranges, which need no fresh statistics.
    Needs table ownership; skipped otherwise (and on other databases).
    """
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic():
            table_analyze(model)
    except DatabaseError:
        logger.warning("ANALYZE after import failed; planner statistics stay stale until autovacuum")
