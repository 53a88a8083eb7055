"""The project-wide flag refresh, one batch of items: read and judge first, then short writes.

On SQLite one writer holds the whole database, so a refresh that opened a write transaction
per item and ran its queries and detectors inside starved annotators' submits (seconds per
submit on a 20,000-item project). Here a batch reads its items, annotations, predictions and
flags in a few queries outside any transaction and runs the detectors there; then it writes
WRITE_CHUNK items per transaction. An item whose labels moved between the read and its write
(a submit, a decision) is judged again on its own by item_flags_refresh, so a refresh never
writes flags from stale labels.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction

from labeling.db.backend import lock_own_rows
from labeling.models import Annotation, Item, Prediction, Project
from review.flags import ProjectFacts, detect_all
from review.models import Flag
from review.services.flag_counts import FlagTally, flag_tally_flush
from review.services.flags import (
    flags_write,
    item_facts_build,
    item_flags_refresh,
    project_facts_build,
)
from review.services.model_evidence import ModelFacts, model_facts
from review.services.write_pace import write_pause

# Items per write transaction: a few milliseconds of holding SQLite's write lock.
WRITE_CHUNK = 100
# What a submit, decision, escalation or recompute changes on the item row.
FINGERPRINT = (
    "annotation_count",
    "aggregate_value",
    "agreement",
    "p_wrong",
    "final_value",
    "target_overlap",
    "round",
)


def _fingerprints(ids: list[int]) -> dict[int, tuple[Any, ...]]:
    rows = Item.objects.filter(pk__in=ids).values_list("pk", *FINGERPRINT)
    return {row[0]: tuple(row[1:]) for row in rows}


def _grouped(queryset, ids: list[int]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in queryset.filter(item_id__in=ids):
        grouped[row.item_id].append(row)
    return grouped


def _judge(
    ids: list[int], project_facts: ProjectFacts, model: ModelFacts
) -> list[tuple[Item, Any, dict, tuple]]:
    """(item, facts, found, fingerprint) for the batch's unsettled items; reads only."""
    items = list(Item.objects.filter(pk__in=ids).select_related("project").order_by("pk"))
    annotations = _grouped(Annotation.objects.order_by("id"), ids)
    predictions = _grouped(Prediction.objects.order_by("-id"), ids)
    judged = []
    for item in items:
        if item.final_value is not None:
            continue
        facts = item_facts_build(item, model, annotations[item.pk], predictions[item.pk])
        found = detect_all(facts, project_facts, item.project.settings)
        fingerprint = tuple(getattr(item, name) for name in FINGERPRINT)
        judged.append((item, facts, found, fingerprint))
    return judged


def _write_chunk(chunk: list[tuple[Item, Any, dict, tuple]]) -> list[int]:
    """Write one chunk's flags in one transaction; returns the ids that changed since judged."""
    ids = [item.pk for item, *_ in chunk]
    stale = []
    with transaction.atomic():
        # Write only the items this transaction can lock at once. A flag row's foreign-key check
        # wants its item, and a drain or project run holding one (and inserting that item's flag,
        # or updating many items) would deadlock with a waiting chunk; the items passed over are
        # judged again one by one after this commit, like stale ones.
        free = set(
            lock_own_rows(Item.objects.filter(pk__in=ids).order_by("pk"), skip_locked=True)
            .values_list("pk", flat=True)
        )
        now = _fingerprints(ids)
        existing: dict[int, dict[str, Flag]] = defaultdict(dict)
        for flag in Flag.objects.select_for_update().filter(item_id__in=free).order_by("pk"):
            existing[flag.item_id][flag.reason] = flag
        tally = FlagTally()  # flushed once, after every row lock of the chunk
        for item, facts, found, fingerprint in chunk:
            if item.pk not in free or now.get(item.pk) != fingerprint:
                stale.append(item.pk)
                continue
            flags_write(item, facts, found, existing[item.pk], tally)
        if chunk:
            flag_tally_flush(project_id=chunk[0][0].project_id, tally=tally)
    return stale


def flags_batch_refresh(*, project_id: int, after_id: int = 0, limit: int = 500) -> int | None:
    """Refresh the flags of up to `limit` items with id > `after_id`.

    Returns the last item id handled, to continue from, or None when no items remain.
    Idempotent: the same labels give the same flags.
    """
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return None
    ids = list(
        Item.objects.filter(project=project, pk__gt=after_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return None
    model = model_facts(project)  # the held-out model evidence, read once per batch
    facts = project_facts_build(project, model=model)
    judged = _judge(ids, facts, model)
    for start in range(0, len(judged), WRITE_CHUNK):
        for item_id in _write_chunk(judged[start : start + WRITE_CHUNK]):
            item_flags_refresh(item_id=item_id, project_facts=facts, model=model)
        write_pause()
    return ids[-1]
