"""Undo a review decision within UNDO_SECONDS: the toast's Undo on the review pages.

A decision is named by its audit entry (every decision writes one). The undo restores the
entry's `before` state, removes the decision's row (so cause counts and guideline gaps forget
it) and writes its own audit entry, `review.undo`, with the decision's after and before
swapped: the trail keeps both. Only the reviewer who decided may undo, only while nothing has
changed the item since, and only in time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from labeling.db.backend import lock_own_rows
from labeling.exceptions import Conflict, NotFound
from labeling.models import AuditEntry, Item
from labeling.services import audit_record
from labeling.services.item_restore import item_final_restore, item_reopen_restore
from labeling.services.items import item_example_mark
from review.models import AnnotationReview, Flag, FlagStatus, ReviewDecision
from review.services.flag_counts import FlagTally, flag_tally_flush

UNDO_SECONDS = 10  # what the toast offers
UNDO_GRACE_SECONDS = 5  # the request's way back to the server (the toast closes at 10 s)
UNDOABLE = ("review.final", "review.verdict", "review.dismiss", "review.example", "review.send_back")


def _entry(project_id: int, entry_id: int, reviewer: AbstractBaseUser) -> AuditEntry:
    entry = (
        AuditEntry.objects.select_for_update()
        .filter(pk=entry_id, project_id=project_id, actor_id=reviewer.pk, action__in=UNDOABLE)
        .first()
    )
    if entry is None:
        raise NotFound("No such decision of yours")
    limit = timedelta(seconds=UNDO_SECONDS + UNDO_GRACE_SECONDS)
    if timezone.now() - entry.created_at > limit:
        raise Conflict(f"A decision can be undone for {UNDO_SECONDS} seconds; it stays in the audit trail")
    if AuditEntry.objects.filter(action="review.undo", after__undoes=entry.pk).exists():
        raise Conflict("This decision was undone already")
    return entry


def _item_of(entry: AuditEntry) -> Item:
    """The decision's item, locked (a verdict names its annotation, a dismissal its flag)."""
    if entry.target_type == "annotation":
        item_id = AnnotationReview.objects.filter(annotation_id=entry.target_id).values_list(
            "annotation__item_id", flat=True
        ).first()
    elif entry.target_type == "flag":
        item_id = Flag.objects.filter(pk=entry.target_id).values_list("item_id", flat=True).first()
    else:
        item_id = int(entry.target_id)
    item = lock_own_rows(Item.objects.select_related("project")).filter(pk=item_id).first()
    if item is None:
        raise NotFound("The decision's item is gone")
    return item


def _unchanged(entry: AuditEntry, item: Item) -> None:
    """Refuse when a later decision already changed what this one set."""
    later = AuditEntry.objects.filter(
        project_id=entry.project_id, target_type=entry.target_type, target_id=entry.target_id,
        pk__gt=entry.pk,
    ).exclude(action="review.comment")
    if later.exists():
        raise Conflict("The item changed after this decision; change it on the item page instead")


def _undo_final(entry: AuditEntry, item: Item) -> None:
    after = entry.after or {}
    item_final_restore(item=item, state=entry.before or {})
    tally = FlagTally()
    for pk, status in (after.get("resolved_flags") or {}).items():
        flags = Flag.objects.filter(pk=int(pk), item=item, status=FlagStatus.RESOLVED)
        reason = flags.values_list("reason", flat=True).first()
        if reason is not None and flags.update(status=status, updated_at=timezone.now()):
            tally.status(item.pk, reason, FlagStatus.RESOLVED, status)
    flag_tally_flush(project_id=item.project_id, tally=tally)
    ReviewDecision.objects.filter(pk=after.get("decision"), item=item).delete()


def _undo_send_back(entry: AuditEntry, item: Item) -> None:
    after = entry.after or {}
    item_reopen_restore(item=item, state=entry.before or {})
    held = Flag.objects.filter(
        pk__in=after.get("held_flags") or [], item=item, status=FlagStatus.IN_REVIEW
    )
    reasons = list(held.select_for_update().values_list("reason", flat=True))
    held.update(status=FlagStatus.OPEN, updated_at=timezone.now())
    tally = FlagTally()
    for reason in reasons:
        tally.status(item.pk, reason, FlagStatus.IN_REVIEW, FlagStatus.OPEN)
    flag_tally_flush(project_id=item.project_id, tally=tally)
    ReviewDecision.objects.filter(pk=after.get("decision"), item=item).delete()


def _undo_verdict(entry: AuditEntry, item: Item) -> None:
    before = entry.before
    reviews = AnnotationReview.objects.filter(annotation_id=int(entry.target_id))
    if before is None:
        reviews.delete()
    else:
        reviews.update(verdict=before["verdict"], comment=before["comment"])


def _undo_dismiss(entry: AuditEntry, item: Item) -> None:
    before = entry.before or {}
    flags = Flag.objects.filter(pk=int(entry.target_id), item=item)
    found = flags.values_list("status", "reason").first()
    status = before.get("status", FlagStatus.OPEN)
    flags.update(
        status=status, dismiss_reason=before.get("dismiss_reason", ""), updated_at=timezone.now()
    )
    if found is not None:
        tally = FlagTally()
        tally.status(item.pk, found[1], found[0], status)
        flag_tally_flush(project_id=item.project_id, tally=tally)
    ReviewDecision.objects.filter(pk=(entry.after or {}).get("decision"), item=item).delete()


def _undo_example(entry: AuditEntry, item: Item, reviewer: AbstractBaseUser) -> None:
    before = entry.before or {}
    item_example_mark(
        item=item, reviewer=reviewer, is_example=bool(before.get("is_example")),
        note=str(before.get("example_note") or ""),
    )


@transaction.atomic
def decision_undo(*, project_id: int, entry_id: int, reviewer: AbstractBaseUser) -> Item:
    """Undo the reviewer's decision in the project, recorded as audit entry `entry_id`;
    return its item.

    Raises NotFound (not theirs, or not a decision), Conflict (409: too late, undone already,
    or changed since; a send-back whose new round has labels). Role checks belong to the
    caller. Locks the audit row, then the item row.
    """
    entry = _entry(project_id, entry_id, reviewer)
    item = _item_of(entry)
    _unchanged(entry, item)
    undo: dict[str, Any] = {
        "review.final": _undo_final,
        "review.send_back": _undo_send_back,
        "review.verdict": _undo_verdict,
        "review.dismiss": _undo_dismiss,
    }
    if entry.action == "review.example":
        _undo_example(entry, item, reviewer)
    else:
        undo[entry.action](entry, item)
    audit_record(
        project=item.project, actor=reviewer, action="review.undo",
        target_type=entry.target_type, target_id=entry.target_id,
        before=entry.after, after={**(entry.before or {}), "undoes": entry.pk, "undone": entry.action},
    )
    return item
