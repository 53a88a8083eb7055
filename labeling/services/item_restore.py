"""Put an item's review state back as it was: review's undo of a final label or a send-back.

labeling owns the Item table, so review asks here rather than writing the columns itself. The
caller holds the item's row lock and writes the audit entry (the undo is one decision).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from labeling.exceptions import Conflict
from labeling.models import Annotation, Assignment, AssignmentStatus, Item
from labeling.services.counts import item_states, items_state_sync


def _when(text: Any) -> datetime | None:
    return parse_datetime(text) if isinstance(text, str) and text else None


def item_final_restore(*, item: Item, state: dict[str, Any]) -> Item:
    """Set the item's final label, reviewer and decision time to `state` (an audit `before`:
    {"final_value", "final_reviewer" (user id or None), "final_decided_at" (ISO or None)})."""
    before = item_states([item.pk])
    item.final_value = state.get("final_value")
    item.final_reviewer_id = state.get("final_reviewer")
    item.final_decided_at = _when(state.get("final_decided_at"))
    item.save(update_fields=["final_value", "final_reviewer", "final_decided_at"])
    items_state_sync(project_id=item.project_id, before=before)
    return item


def item_reopen_restore(*, item: Item, state: dict[str, Any]) -> Item:
    """Take back a reopen while nobody has labeled the new round: round, `reopened_for` and the
    final label return to `state` (the reopen's audit `before`); leases taken for the new round
    are released. Raises Conflict once a label of the new round exists.
    """
    if Annotation.objects.filter(item_id=item.pk, round=item.round).exists():
        raise Conflict("Someone has already labeled the new round; it can no longer be undone")
    Assignment.objects.filter(item_id=item.pk, status=AssignmentStatus.ACTIVE).update(
        status=AssignmentStatus.RELEASED, finished_at=timezone.now()
    )
    item.round = int(state.get("round") or 1)
    item.reopened_for = list(state.get("reopened_for") or [])
    item.save(update_fields=["round", "reopened_for"])
    return item_final_restore(item=item, state=state)
