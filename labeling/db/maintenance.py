"""Database upkeep after bulk writes (PostgreSQL)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Model


def table_analyze(model: type[Model]) -> None:
    """ANALYZE the model's table (needs table ownership: DatabaseError otherwise)."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
