"""Review decisions: final labels, verdicts, send-backs, dismissals, comments and examples.

Each function runs in one transaction, locks the item row, refuses reviewers who annotated
the item (OwnItemReview) and writes labeling's audit log with the state before and after.
Every decision (not comments) records its reviewer through labeling's items service, and the
claim never serves that reviewer the item to annotate.
Role checks (reviewer or lead of the project) belong to the caller's selector/permission step.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from labeling.db.backend import lock_own_rows
from labeling.exceptions import ValueInvalid
from labeling.models import Annotation, Item, Membership
from labeling.services import (
    ReopenReason,
    audit_record,
    item_example_mark,
    item_reviewer_record,
    item_settle,
    item_value_validate,
    items_reopen,
)
from review.exceptions import OwnItemReview
from review.models import (
    AnnotationReview,
    Cause,
    DecisionAction,
    Flag,
    FlagStatus,
    ItemComment,
    ReviewDecision,
    Verdict,
)
from review.services.flag_counts import FlagTally, flag_tally_flush
from review.services.flags import flags_hold_for_new_round

LIVE_FLAGS = (FlagStatus.OPEN, FlagStatus.IN_REVIEW)
MAX_TEXT = 5000


def _locked(item: Item) -> Item:
    return lock_own_rows(Item.objects.select_related("project")).get(pk=item.pk)


def _refuse_own(item: Item, reviewer: AbstractBaseUser) -> None:
    if Annotation.objects.filter(item_id=item.pk, annotator_id=reviewer.pk).exists():
        raise OwnItemReview("You annotated this item, so another reviewer must review it")


def _text(value: str, *, field: str, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValueInvalid(f"{field} must not be empty")
    if len(value) > MAX_TEXT:
        raise ValueInvalid(f"{field} is longer than {MAX_TEXT} characters")
    return value


def _final_state(item: Item) -> dict[str, Any]:
    return {
        "final_value": item.final_value,
        "final_reviewer": item.final_reviewer_id,
        "final_decided_at": item.final_decided_at.isoformat() if item.final_decided_at else None,
        "round": item.round,
    }


def _audit(
    item: Item,
    actor: AbstractBaseUser,
    action: str,
    before: Any,
    after: Any,
    *,
    target_type: str = "item",
    target_id: object = None,
) -> None:
    audit_record(
        project=item.project,
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=item.pk if target_id is None else target_id,
        before=before,
        after=after,
    )


@transaction.atomic
def final_label_set(
    *,
    item: Item,
    reviewer: AbstractBaseUser,
    value: object,
    cause: str = "",
    note: str = "",
    source: str = "",
) -> ReviewDecision:
    """Settle the item's final label (any value valid for the schema) and resolve its flags.

    The value is checked as an annotation is (labeling.services.item_value_validate): span
    offsets against the item's text, boxes against the image's stored width and height.
    `cause` is one of review.models.Cause or empty; `source` (optional) says where the value
    came from ("aggregate", "annotation:12") and goes into the audit entry. Raises
    ValueInvalid for a bad value or cause, OwnItemReview when the reviewer annotated the item.
    """
    item = _locked(item)
    _refuse_own(item, reviewer)
    if cause and cause not in Cause.values:
        raise ValueInvalid(f"cause must be one of {', '.join(Cause.values)}")
    clean = item_value_validate(schema=item.project.schema, item=item, value=value)
    before = _final_state(item)
    item_settle(item=item, reviewer=reviewer, value=clean)
    live = Flag.objects.filter(item=item, status__in=LIVE_FLAGS)
    rows = list(live.values_list("pk", "status", "reason"))
    resolved = {str(pk): status for pk, status, _ in rows}  # for undo
    live.update(status=FlagStatus.RESOLVED, updated_at=timezone.now())
    tally = FlagTally()
    for _, status, flag_reason in rows:
        tally.status(item.pk, flag_reason, status, FlagStatus.RESOLVED)
    flag_tally_flush(project_id=item.project_id, tally=tally)
    decision = ReviewDecision.objects.create(
        project=item.project,
        item=item,
        reviewer=reviewer,
        action=DecisionAction.FINAL,
        cause=cause,
        value=clean,
        note=_text(note, field="note", required=False),
    )
    _audit(
        item,
        reviewer,
        "review.final",
        before,
        {
            **_final_state(item), "cause": cause, "note": decision.note,
            "decision": decision.pk, "resolved_flags": resolved,
        }
        | ({"source": source} if source else {}),
    )
    return decision


@transaction.atomic
def annotation_verdict_set(
    *, annotation: Annotation, reviewer: AbstractBaseUser, verdict: str, comment: str = ""
) -> AnnotationReview:
    """Accept or reject one annotation (feeds annotator quality); a new verdict replaces the old."""
    item = _locked(annotation.item)
    _refuse_own(item, reviewer)
    if verdict not in Verdict.values:
        raise ValueInvalid(f"verdict must be one of {', '.join(Verdict.values)}")
    item_reviewer_record(item_ids=[item.pk], user=reviewer)
    current = AnnotationReview.objects.filter(annotation=annotation).first()
    before = {"verdict": current.verdict, "comment": current.comment} if current else None
    review, _ = AnnotationReview.objects.update_or_create(
        annotation=annotation,
        defaults={
            "reviewer": reviewer,
            "verdict": verdict,
            "comment": _text(comment, field="comment", required=False),
        },
    )
    _audit(
        item,
        reviewer,
        "review.verdict",
        before,
        {"verdict": review.verdict, "comment": review.comment},
        target_type="annotation",
        target_id=annotation.pk,
    )
    return review


@transaction.atomic
def item_send_back(
    *,
    item: Item,
    reviewer: AbstractBaseUser,
    annotator_ids: list[int] | None = None,
    note: str = "",
) -> ReviewDecision:
    """Open a new round: round + 1, reopened for `annotator_ids` (empty = earlier annotators).

    labeling's one reopen rule (labeling.services.items_reopen) clears any final label,
    releases live leases and audits; open flags wait "in review" for the new labels. Chosen
    annotators must be members of the project (ValueInvalid otherwise).
    """
    item = _locked(item)
    _refuse_own(item, reviewer)
    ids = sorted({int(pk) for pk in annotator_ids or []})
    members = set(
        Membership.objects.filter(project_id=item.project_id, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    if set(ids) - members:
        raise ValueInvalid("Items can only be sent back to members of the project")
    note = _text(note, field="note", required=False)
    decision = ReviewDecision.objects.create(
        project=item.project,
        item=item,
        reviewer=reviewer,
        action=DecisionAction.SEND_BACK,
        note=note,
    )
    held = list(Flag.objects.filter(item=item, status=FlagStatus.OPEN).values_list("pk", flat=True))
    items_reopen(
        project=item.project,
        item_ids=[item.pk],
        actor=reviewer,
        reason=ReopenReason.SEND_BACK,
        reopened_for=ids,
        # The decision and the flags put on hold, so an undo can take both back.
        audit_extra={"note": note, "decision": decision.pk, "held_flags": held},
    )
    # The same hold the ITEMS_REOPENED task applies after commit, at once for this page.
    flags_hold_for_new_round(item_ids=[item.pk])
    return decision


@transaction.atomic
def flag_dismiss(*, flag: Flag, reviewer: AbstractBaseUser, reason: str) -> Flag:
    """Dismiss a flag with a (required) reason; it is never raised again for that item."""
    item = _locked(flag.item)
    _refuse_own(item, reviewer)
    reason = _text(reason, field="reason", required=True)
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    before = {"status": flag.status, "dismiss_reason": flag.dismiss_reason}
    flag.status, flag.dismiss_reason = FlagStatus.DISMISSED, reason
    flag.save(update_fields=["status", "dismiss_reason", "updated_at"])
    tally = FlagTally()
    tally.status(item.pk, flag.reason, before["status"], FlagStatus.DISMISSED)
    flag_tally_flush(project_id=item.project_id, tally=tally)
    item_reviewer_record(item_ids=[item.pk], user=reviewer)
    decision = ReviewDecision.objects.create(
        project=item.project,
        item=item,
        reviewer=reviewer,
        action=DecisionAction.DISMISS,
        note=reason,
    )
    _audit(
        item,
        reviewer,
        "review.dismiss",
        before,
        {
            "status": flag.status, "dismiss_reason": reason, "reason": flag.reason,
            "decision": decision.pk,
        },
        target_type="flag",
        target_id=flag.pk,
    )
    return flag


@transaction.atomic
def comment_add(*, item: Item, author: AbstractBaseUser, body: str) -> ItemComment:
    """Append a comment to the item's review thread (any reviewer or lead may comment)."""
    item = _locked(item)
    comment = ItemComment.objects.create(
        item=item, author=author, body=_text(body, field="comment", required=True)
    )
    _audit(item, author, "review.comment", None, {"comment": comment.pk, "body": comment.body})
    return comment


@transaction.atomic
def example_mark(
    *, item: Item, reviewer: AbstractBaseUser, note: str = "", is_example: bool = True
) -> Item:
    """Mark (or unmark) the item as a guideline example with a note for the guideline editor."""
    item = _locked(item)
    _refuse_own(item, reviewer)
    before = {"is_example": item.is_example, "example_note": item.example_note}
    note = _text(note, field="note", required=False) if is_example else ""
    item_example_mark(item=item, reviewer=reviewer, is_example=is_example, note=note)
    _audit(
        item,
        reviewer,
        "review.example",
        before,
        {"is_example": item.is_example, "example_note": item.example_note},
    )
    return item
