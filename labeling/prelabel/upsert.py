"""Writing a batch of predictions fast, once per (item, model version).

On PostgreSQL one INSERT ... ON CONFLICT DO UPDATE statement built with psycopg2's
execute_values (the ORM's bulk_create spends more time compiling 500 rows than the database
spends writing them); elsewhere the ORM's bulk_create with update_conflicts, same semantics.
`created_at` is refreshed on update, so it reads "predicted at".
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from django.db import connection

from labeling.models import Prediction
from labeling.prelabel.base import Suggestion

UPDATED = ("value", "score", "margin", "probabilities", "created_at")


def predictions_upsert(
    *, project_id: int, version: str, pairs: Sequence[tuple[int, Suggestion]], now: datetime
) -> None:
    """Insert or update one prediction per (item id, suggestion). Call inside a transaction."""
    if not pairs:
        return
    if connection.vendor != "postgresql":
        rows = [
            Prediction(
                project_id=project_id, item_id=item_id, model_version=version, value=s.value,
                score=s.score, margin=s.margin, probabilities=s.probabilities or None,
                created_at=now,
            )
            for item_id, s in pairs
        ]
        Prediction.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["item", "model_version"],
            update_fields=list(UPDATED),
        )
        return
    from psycopg2.extras import execute_values

    table = connection.ops.quote_name(Prediction._meta.db_table)
    columns = "project_id, item_id, model_version, value, score, margin, probabilities, created_at"
    sql = (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608 - constant names
        "VALUES %s ON CONFLICT (item_id, model_version) DO UPDATE SET "
        + ", ".join(f"{column} = EXCLUDED.{column}" for column in UPDATED)
    )
    values = [
        (
            project_id, item_id, version, json.dumps(s.value), s.score, s.margin,
            json.dumps(s.probabilities) if s.probabilities else None, now,
        )
        for item_id, s in pairs
    ]
    with connection.cursor() as cursor:
        execute_values(
            cursor.cursor, sql, values, template="(%s, %s, %s, %s::jsonb, %s, %s, %s::jsonb, %s)",
            page_size=1000,
        )
