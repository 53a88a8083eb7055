"""Raise, update and clear flags on items; escalate contested items before they reach review.

Flags are kept idempotent by the (item, reason) unique constraint: a reason fires at most once
per item. Rules when a refresh runs:
- fires, no flag yet -> open flag; fires, flag open or in review -> severity/details updated, open;
- fires, flag resolved or dismissed -> left alone (never raised twice);
- silent, flag open (never touched) -> deleted; silent, flag in review (sent back) -> resolved.
Settled items (a final label) get no new flags.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from labeling.db.backend import lock_own_rows
from labeling.models import Item, Project
from labeling.services import item_escalate
from labeling.values import CLASS_KINDS, value_labels
from review.flags import AnnotationFact, ItemFacts, PredictionFact, ProjectFacts, detect_all
from review.models import Flag, FlagStatus
from review.services.flag_counts import FlagTally, flag_tally_flush
from review.services.model_evidence import ModelFacts, model_facts
from review.services.risk_cut import risk_cut

logger = logging.getLogger(__name__)

# Items per transaction in the project-wide refresh.
FLAG_BATCH_SIZE = 500


@dataclass(frozen=True)
class FlagRefresh:
    """What one item refresh did: reasons now flagged, cleared, and whether it escalated."""

    raised: tuple[str, ...] = ()
    cleared: tuple[str, ...] = ()
    escalated_to: int | None = None


def item_facts_build(
    item: Item,
    model: ModelFacts | None = None,
    annotations: Sequence[Any] | None = None,
    predictions: Sequence[Any] | None = None,
) -> ItemFacts:
    """The detector inputs for one item (two queries, or none when a batch caller passes the
    item's annotations in id order and its predictions newest first).

    Class kinds see only the held-out prediction of the project's usable model (`model`,
    review.services.model_evidence); other kinds see the stored predictions.
    """
    if annotations is None:
        annotations = list(item.annotations.order_by("id"))
    facts: tuple[PredictionFact, ...]
    if item.project.kind in CLASS_KINDS:
        held = (model or ModelFacts()).predictions.get(item.pk)
        facts = (held,) if held else ()
    else:
        if predictions is None:
            predictions = list(item.predictions.order_by("-id"))
        facts = tuple(
            PredictionFact(model_version=p.model_version, value=p.value, score=p.score)
            for p in predictions
        )
    return ItemFacts(
        annotations=tuple(
            AnnotationFact(
                annotator_id=a.annotator_id, value=a.value, unsure=a.unsure, comment=a.comment
            )
            for a in annotations
        ),
        target_overlap=item.target_overlap or item.project.overlap,
        agreement=item.agreement,
        aggregate=item.aggregate_value,
        aggregate_confidence=item.aggregate_confidence,
        is_gold=item.is_gold,
        gold_value=item.gold_value,
        predictions=facts,
        p_wrong=item.p_wrong,
    )


def project_facts_build(project: Project, *, model: ModelFacts | None = None) -> ProjectFacts:
    """Project-wide inputs: label shares of the aggregates, confident-learning thresholds
    and the model's skip reason (both from `model`, review.services.model_evidence).

    One GROUP BY over the project's aggregates (few distinct values).
    """
    rows = (
        Item.objects.filter(project=project, aggregate_value__isnull=False)
        .values("aggregate_value")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: Counter[str] = Counter()
    labeled = 0
    for row in rows:
        labeled += row["n"]
        for label in value_labels(row["aggregate_value"]):
            counts[label] += row["n"]
    shares = {label: n / labeled for label, n in counts.items()} if labeled else {}
    model = model or ModelFacts()
    return ProjectFacts(
        label_shares=shares,
        labeled_items=labeled,
        class_thresholds=model.thresholds,
        risk_cut=risk_cut(project),
        model_skipped=model.skipped,
    )


def _escalate(item: Item, facts: ItemFacts) -> int | None:
    """Ask for one more annotator when the project allows more than the item has now."""
    target = facts.target_overlap
    if item.project.max_overlap <= target:
        return None
    item_escalate(item=item, target_overlap=target + 1, agreement=facts.agreement)
    return target + 1


def flags_hold_for_new_round(
    *, item_ids: Sequence[int], reopened_at: datetime | None = None
) -> int:
    """Move the items' open flags to "in review": they wait for the new round's labels.

    The one review-side consequence of reopening an item (labeling.services.items_reopen, which
    asks for it by task name after commit; review's send-back also calls it at once). With
    `reopened_at`, flags updated since then are left alone: a refresh after new labels already
    judged them. Idempotent; returns how many flags moved.
    """
    with transaction.atomic():
        flags = Flag.objects.filter(item_id__in=list(item_ids), status=FlagStatus.OPEN)
        if reopened_at is not None:
            flags = flags.filter(updated_at__lte=reopened_at)
        held = list(flags.select_for_update().order_by("pk").values_list("pk", "item_id", "reason", "project_id"))
        if not held:
            return 0
        moved = Flag.objects.filter(pk__in=[row[0] for row in held]).update(
            status=FlagStatus.IN_REVIEW, updated_at=timezone.now()
        )
        _held_count(held)
    return moved


def _held_count(held: list[tuple[int, int, str, int]]) -> None:
    """Move the counters of flags put on hold (open -> in review), per project."""
    tallies: dict[int, FlagTally] = {}
    for _, item_id, reason, project_id in held:
        tally = tallies.setdefault(project_id, FlagTally())
        tally.status(item_id, reason, FlagStatus.OPEN, FlagStatus.IN_REVIEW)
    for project_id, tally in sorted(tallies.items()):
        flag_tally_flush(project_id=project_id, tally=tally)


def flags_apply(
    item: Item,
    found: dict[str, tuple[float, dict[str, Any]]],
    existing: dict[str, Flag] | None = None,
    tally: FlagTally | None = None,
) -> FlagRefresh:
    """Write what the detectors `found` over the item's `existing` flags (read when None).

    The live-flag counters move in `tally` (the caller flushes it), else are written here.
    """
    if existing is None:
        existing = {flag.reason: flag for flag in item.flags.select_for_update()}
    moves = FlagTally() if tally is None else tally
    raised, cleared = [], []
    for reason, (severity, details) in found.items():
        flag = existing.get(reason)
        if flag is None:
            Flag.objects.create(
                project_id=item.project_id,
                item=item,
                reason=reason,
                severity=severity,
                details=details,
            )
            moves.status(item.pk, reason, None, FlagStatus.OPEN)
        elif flag.status in (FlagStatus.OPEN, FlagStatus.IN_REVIEW):
            moves.status(item.pk, reason, flag.status, FlagStatus.OPEN)
            flag.severity, flag.details, flag.status = severity, details, FlagStatus.OPEN
            flag.save(update_fields=["severity", "details", "status", "updated_at"])
        else:
            continue
        raised.append(reason)
    for reason, flag in existing.items():
        if reason in found:
            continue
        if flag.status == FlagStatus.OPEN:
            flag.delete()
            cleared.append(reason)
            moves.status(item.pk, reason, FlagStatus.OPEN, None)
        elif flag.status == FlagStatus.IN_REVIEW:
            flag.status = FlagStatus.RESOLVED
            flag.save(update_fields=["status", "updated_at"])
            cleared.append(reason)
            moves.status(item.pk, reason, FlagStatus.IN_REVIEW, FlagStatus.RESOLVED)
    if tally is None:
        flag_tally_flush(project_id=item.project_id, tally=moves)
    return FlagRefresh(raised=tuple(raised), cleared=tuple(cleared))


def item_flags_refresh(
    *, item_id: int, project_facts: ProjectFacts | None = None, model: ModelFacts | None = None
) -> FlagRefresh | None:
    """Run the detectors on one item and bring its flags in line (see the module rules).

    Escalation: a contested item (low agreement), or one with all its labels whose p_wrong
    is within the review budget (high risk), of a project whose max_overlap exceeds the
    item's current target gets target_overlap + 1 instead of those flags; it is flagged
    only when still contested or risky at the maximum. `project_facts` lets batch callers
    compute the project figures once (and pass `model`, the project's held-out model facts,
with them). Returns None when the item is gone.
    """
    with transaction.atomic():
        item = lock_own_rows(Item.objects.select_related("project")).filter(pk=item_id).first()
        if item is None:
            return None
        if item.final_value is not None:
            return FlagRefresh()
        if project_facts is None:
            model = model_facts(item.project, item_id=item.pk)
            project_facts = project_facts_build(item.project, model=model)
        facts = item_facts_build(item, model)
        found = detect_all(facts, project_facts, item.project.settings)
        return flags_write(item, facts, found)


def flags_write(
    item: Item,
    facts: ItemFacts,
    found: dict[str, Any],
    existing: dict[str, Flag] | None = None,
    tally: FlagTally | None = None,
) -> FlagRefresh:
    """Escalate a contested or risky item when its project allows, else write its flags.

    Call inside a transaction; `found` is detect_all's result (changed in place); `tally`:
    see `flags_apply`.
    """
    escalated = None
    if "low_agreement" in found or ("high_risk" in found and facts.has_overlap):
        escalated = _escalate(item, facts)
        if escalated is not None:
            found.pop("low_agreement", None)
            found.pop("high_risk", None)
    result = flags_apply(item, found, existing, tally)
    return FlagRefresh(raised=result.raised, cleared=result.cleared, escalated_to=escalated)


def project_flags_refresh(
    *, project_id: int, after_id: int = 0, limit: int = FLAG_BATCH_SIZE
) -> int | None:
    """Refresh the flags of up to `limit` items with id > `after_id` (see flags_batch).

    Returns the last item id handled, to continue from, or None when no items remain.
    """
    from review.services.flags_batch import flags_batch_refresh

    return flags_batch_refresh(project_id=project_id, after_id=after_id, limit=limit)
