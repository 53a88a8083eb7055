"""The Item lifecycle: every write to an item row after import and submit.

review and guidelines never write labeling's tables; they call these functions inside their own
transaction (the decision functions also open one, so they work alone too):
- `items_aggregates_set`, `pending_flag`, `item_pending_take`, `items_pending_sweep`: the
  recompute of aggregates and agreement (flag, take, catch up on lost drains);
- `item_settle`, `items_reopen`, `item_example_mark`, `item_reviewer_record`: review decisions,
  each of which records its reviewer (ItemReviewer), whom the claim keeps out of the item's
  annotation pool for good;
- `item_escalate`: one more annotator for a contested item.

One reopen rule (`items_reopen`), whoever asks: round + 1, `reopened_for`, final label cleared,
the item's live leases released (they belong to the old round), one audit entry per item, and
review told by task name (events.ITEMS_REOPENED) so the item's open flags wait for new labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from labeling import events
from labeling.announce import announce
from labeling.db.backend import lock_own_rows
from labeling.db.item_aggregates import AGGREGATE_FIELDS, aggregates_write, p_wrong_write
from labeling.exceptions import ReviewerCannotAnnotate
from labeling.models import Assignment, AssignmentStatus, AuditEntry, Item, ItemReviewer, Project
from labeling.services.audit import audit_record
from labeling.services.counts import Tally, item_states, items_state_sync, tally_flush
from labeling.webhooks.catalogue import WebhookEvent
from labeling.webhooks.payloads import item_settled_data

__all__ = [
    "AGGREGATE_FIELDS",
    "ReopenReason",
    "item_escalate",
    "item_example_mark",
    "item_pending_take",
    "item_reviewer_record",
    "item_settle",
    "items_aggregates_set",
    "items_p_wrong_set",
    "items_pending_sweep",
    "items_reopen",
    "pending_flag",
]

REOPEN_BATCH = 500  # items locked, updated and audited per statement when reopening many
_STATE = ("pk", "round", "reopened_for", "final_value", "final_reviewer_id", "final_decided_at")


class ReopenReason(StrEnum):
    """Why items are reopened; the value is the audit action written for each item."""

    SEND_BACK = "review.send_back"  # a reviewer sent the item back
    STALE_GUIDELINE = "guideline.send_back_stale"  # labeled under an older guideline version


def items_aggregates_set(*, rows: Sequence[tuple[int, tuple[Any, ...]]]) -> None:
    """Set AGGREGATE_FIELDS (aggregate value, confidence, method, agreement) of many items.

    Call inside a transaction (no savepoint of its own: it runs once per recompute). `rows` are
    (item id, values in AGGREGATE_FIELDS order); they are locked and written in pk order (no
    deadlock between concurrent project runs); PostgreSQL gets paged UPDATE ... FROM (VALUES
    ...), other databases bulk_update.
    """
    aggregates_write(rows)


def items_p_wrong_set(*, rows: Sequence[tuple[int, float | None]]) -> int:
    """Set p_wrong (probability the current label is wrong) of many items; returns how many.

    Call inside a transaction; rows are (item id, value or None) and are written in pk order.
    """
    return p_wrong_write(rows)


def item_pending_take(*, project_id: int) -> int | None:
    """Take one of the project's items flagged `recompute_pending`: lock it, clear the flag, and
    return its id (None when none is left). Call inside the transaction that recomputes it.

    Rivals skip the locked row; a submit to the item waits for the commit and flags it again.
    """
    item_id = (
        Item.objects.select_for_update(skip_locked=True)
        .filter(project_id=project_id, recompute_pending=True)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    if item_id is not None:
        Item.objects.filter(pk=item_id).update(recompute_pending=False, recompute_pending_since=None)
    return item_id


def pending_flag(now: datetime) -> dict[str, Any]:
    """The update() keywords that flag an item for recompute at `now` (the first time counts)."""
    since = Coalesce(F("recompute_pending_since"), Value(now, output_field=DateTimeField()))
    return {"recompute_pending": True, "recompute_pending_since": since}


def items_pending_sweep(*, before: datetime) -> list[int]:
    """Send a drain (events.ITEMS_PENDING) for each project with items flagged before `before`.

    The catch-up for drains whose message was lost (broker down when the submit committed);
    items flagged before the timestamp existed count as old. Returns the project ids.
    """
    stale = Q(recompute_pending_since__lt=before) | Q(recompute_pending_since__isnull=True)
    pending = Item.objects.filter(stale, recompute_pending=True).order_by("project_id")
    project_ids = list(pending.values_list("project_id", flat=True).distinct())
    for project_id in project_ids:
        events.enqueue(events.ITEMS_PENDING, [project_id])
    return project_ids


def item_reviewer_record(*, item_ids: Sequence[int], user: AbstractBaseUser) -> None:
    """Record that `user` made a review decision on these items (idempotent: one row per pair).

    From then on the claim never serves them these items (labeling.assignment.pool_sql).
    """
    ItemReviewer.objects.bulk_create(
        [ItemReviewer(item_id=pk, user_id=user.pk) for pk in item_ids], ignore_conflicts=True
    )


@transaction.atomic
def item_lock(*, item_id: int) -> Item:
    """The item's row, locked until the caller's transaction ends (its row only, not its
    project's); raises Item.DoesNotExist."""
    return lock_own_rows(Item.objects.select_related("project")).get(pk=item_id)


def item_settle(*, item: Item, reviewer: AbstractBaseUser, value: Any) -> Item:
    """Set the item's final label to `value` (validated by the caller) by `reviewer`, now.

    Expects the caller to hold the item's row lock; updates and returns `item`.
    """
    before = item_states([item.pk])
    item.final_value, item.final_reviewer = value, reviewer
    item.final_decided_at = timezone.now()
    item.save(update_fields=["final_value", "final_reviewer", "final_decided_at"])
    items_state_sync(project_id=item.project_id, before=before)
    item_reviewer_record(item_ids=[item.pk], user=reviewer)
    announce(project=item.project, event=WebhookEvent.ITEM_SETTLED,
             data=lambda: item_settled_data(item))
    return item


@transaction.atomic
def item_example_mark(
    *, item: Item, reviewer: AbstractBaseUser, is_example: bool, note: str
) -> Item:
    """Mark (or unmark, which drops the note) the item as a guideline example; returns it."""
    item.is_example = is_example
    item.example_note = note if is_example else ""
    item.save(update_fields=["is_example", "example_note"])
    item_reviewer_record(item_ids=[item.pk], user=reviewer)
    return item


@transaction.atomic
def item_escalate(*, item: Item, target_overlap: int, agreement: float | None) -> Item:
    """Raise the item's target overlap (one more annotator for a contested item) and audit it.

    `agreement` is the figure that triggered it (kept in the audit entry). Returns `item`.
    """
    before = item.target_overlap or item.project.overlap
    states = item_states([item.pk])
    Item.objects.filter(pk=item.pk).update(target_overlap=target_overlap)
    items_state_sync(project_id=item.project_id, before=states)
    item.target_overlap = target_overlap
    audit_record(
        project=item.project,
        actor=None,
        action="item.escalate",
        target_type="item",
        target_id=item.pk,
        before={"target_overlap": before},
        after={"target_overlap": target_overlap, "agreement": agreement},
    )
    return item


@transaction.atomic
def items_reopen(
    *,
    project: Project,
    item_ids: Iterable[int],
    actor: AbstractBaseUser,
    reason: ReopenReason,
    reopened_for: Sequence[int] = (),
    audit_extra: Mapping[str, Any] | None = None,
) -> list[int]:
    """Open a new round for the project's items among `item_ids`; return the ids reopened.

    Each item: round + 1, reopened_for = `reopened_for` (user ids; empty = its earlier
    annotators), final label cleared, live leases released, one audit entry (action `reason`,
    the state before and after, plus `audit_extra`). Rows are locked in pk order in batches of
    REOPEN_BATCH; ids of other projects are ignored. After commit, review holds the items'
    open flags for the new labels (events.ITEMS_REOPENED, one message per batch).
    A send-back records `actor` as a reviewer of the items; ReviewerCannotAnnotate (409) when
    `reopened_for` names the actor or anyone else who reviewed one of the items.
    """
    wanted = sorted({int(pk) for pk in item_ids})
    chosen = sorted({int(pk) for pk in reopened_for})
    _refuse_reviewers(wanted, chosen, actor)
    now = timezone.now()
    reopened: list[int] = []
    tally = Tally()  # written once, after every batch's row locks (labeling.services.counts)
    for start in range(0, len(wanted), REOPEN_BATCH):
        batch = wanted[start : start + REOPEN_BATCH]
        reopened.extend(
            _reopen_batch(project, batch, actor, reason, chosen, dict(audit_extra or {}), now, tally)
        )
    tally_flush(project_id=project.pk, tally=tally)
    return reopened


def _refuse_reviewers(item_ids: list[int], chosen: list[int], actor: AbstractBaseUser) -> None:
    """Refuse to reopen items for a user who reviewed them (they could never claim them)."""
    if not chosen:
        return
    if actor.pk in chosen:
        raise ReviewerCannotAnnotate(
            "You cannot send an item back to yourself: a reviewer never annotates an item "
            "they reviewed. Choose other annotators."
        )
    reviewers = ItemReviewer.objects.filter(item_id__in=item_ids, user_id__in=chosen)
    if reviewers.exists():
        raise ReviewerCannotAnnotate(
            "Items cannot be sent back to someone who reviewed them; choose other annotators.",
            details={"user_ids": sorted(set(reviewers.values_list("user_id", flat=True)))},
        )


def _reopen_batch(
    project: Project,
    ids: list[int],
    actor: AbstractBaseUser,
    reason: ReopenReason,
    chosen: list[int],
    extra: dict[str, Any],
    now: datetime,
    tally: Tally,
) -> list[int]:
    """Reopen one batch of `items_reopen` (see there); its counter moves go to `tally`."""
    rows = list(
        Item.objects.select_for_update()
        .filter(project=project, pk__in=ids)
        .order_by("pk")
        .values_list(*_STATE)
    )
    found = [row[0] for row in rows]
    if not found:
        return []
    before = item_states(found)
    tally.moves(before, {pk: (False, target, count) for pk, (_, target, count) in before.items()})
    Item.objects.filter(pk__in=found).update(
        round=F("round") + 1,
        reopened_for=chosen,
        final_value=None,
        final_reviewer=None,
        final_decided_at=None,
    )
    Assignment.objects.filter(item_id__in=found, status=AssignmentStatus.ACTIVE).update(
        status=AssignmentStatus.RELEASED, finished_at=now
    )
    cleared = {"final_value": None, "final_reviewer": None, "final_decided_at": None}
    AuditEntry.objects.bulk_create(
        AuditEntry(
            project=project,
            actor=actor,
            action=reason.value,
            target_type="item",
            target_id=str(pk),
            before={
                "round": round_,
                "reopened_for": was_for,
                "final_value": final,
                "final_reviewer": reviewer_id,
                "final_decided_at": decided.isoformat() if decided else None,
            },
            after={"round": round_ + 1, "reopened_for": chosen, **cleared, **extra},
        )
        for pk, round_, was_for, final, reviewer_id, decided in rows
    )
    if reason == ReopenReason.SEND_BACK:
        item_reviewer_record(item_ids=found, user=actor)
    events.send_after_commit(events.ITEMS_REOPENED, [found, now.isoformat()])
    return found
