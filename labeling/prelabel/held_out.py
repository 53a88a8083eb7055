"""Storing a model version's out-of-fold class probabilities (one row per trained item)."""

from __future__ import annotations

from django.db import transaction

from labeling.models import HeldOutPrediction

BATCH = 1000


def held_out_store(*, project_id: int, version: str, held_out: dict[int, dict[str, float]]) -> int:
    """Insert or update the version's held-out probabilities per item id; returns the count.

    Idempotent: one row per (item, model version), a rerun overwrites the probabilities.
    """
    rows = [
        HeldOutPrediction(
            project_id=project_id, item_id=item_id, model_version=version, probabilities=probs
        )
        for item_id, probs in sorted(held_out.items())
    ]
    with transaction.atomic():
        HeldOutPrediction.objects.bulk_create(
            rows,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["item", "model_version"],
            update_fields=["probabilities"],
        )
    return len(rows)
