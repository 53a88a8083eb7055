"""The assignment engine: hand each annotator their next item, fairly and never over overlap.

An Assignment is a lease. `next_item` returns the annotator's live lease if they have one;
otherwise it claims an item. Which items are claimable (see `claimable_items`):
- not settled, and not settled by this user (a reviewer never labels what they reviewed);
- the user has no annotation on it, or it was sent back to a new round and the user is asked
  again (listed in `reopened_for`, or `reopened_for` is empty and they annotated it before);
- live leases + annotations of the current round < the item's target
  (`target_overlap`, else the project's overlap);
- the user did not skip it in the last SKIP_MEMORY (skipped items go back to the pool for
  others; the skipper sees them again after that, or never in the same working day).
The project's ordering policy orders them (in_progress_first, the default, serves reopened and
escalated items first, as they carry the most annotations). Gold items are
served on a `gold_rate` share of claims (and once the regular pool is empty); the annotator
cannot tell them apart, since the payload never carries the gold answer.

Concurrency: the claim runs in one transaction. The member row is locked first (one claim at a
time per annotator), then candidate item rows are locked one at a time with
SELECT ... FOR UPDATE SKIP LOCKED (pk order within the policy's order), so concurrent
annotators pass each other instead of waiting; the count is re-read under the row lock before
the lease is written, because the candidate query's snapshot may predate a rival's commit.
SQLite has no row locks, but its IMMEDIATE transactions serialise writers, which is as safe.
Expired leases stop counting at once (by time) and are marked `expired` lazily.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from labeling.exceptions import GuidelineAckRequired, NotFound
from labeling.models import Assignment, AssignmentStatus, Item, Membership, Prediction, Project
from labeling.policies import policy_for
from labeling.policies.pool import (
    SKIP_MEMORY,
    claimable_items,
    live_leases,
    taken_slots,
)

CLAIM_ATTEMPTS = 8  # rows tried per phase before giving up on it (each stale row costs one)
MAX_LEASES = 2  # the current item and one fetched ahead by the labeling screen
CONTENDED_RETRIES = 20  # claim transactions tried while rivals hold every candidate row


def claim_phases(
    *,
    project: Project,
    user: AbstractBaseUser,
    now: datetime,
    rng: random.Random,
    skipped: list[int] | None = None,
) -> list[QuerySet[Item]]:
    """Ordered querysets to claim from, in turn: the policy's order, regular or gold first.

    The pool is items below the project's overlap (the index on (project, annotation_count,
    id) keeps that range cheap) plus reopened and escalated items, which can sit above it;
    in_progress_first puts those first, since they carry the most annotations.
    """
    items = claimable_items(project=project, user=user, now=now, skipped=skipped)
    pool = items.filter(
        Q(annotation_count__lt=project.overlap) | Q(round__gt=1) | Q(target_overlap__isnull=False)
    )
    policy = policy_for(project.ordering)
    regular = policy(pool.filter(is_gold=False), project=project, user=user)
    gold = policy(pool.filter(is_gold=True), project=project, user=user)
    serve_gold = project.gold_rate > 0 and rng.random() < project.gold_rate
    return gold + regular if serve_gold else regular + gold


def _room_left(item: Item, *, project: Project, now: datetime) -> bool:
    """Re-count the item's taken slots with a fresh read; call it holding the item's row lock."""
    taken = Item.objects.filter(pk=item.pk).values_list(taken_slots(now), flat=True).get()
    return int(taken) < (item.target_overlap or project.overlap)


def _lease(
    item: Item, *, project: Project, user: AbstractBaseUser, now: datetime, rng: random.Random
) -> Assignment:
    """Write the lease, showing a pre-label on the project's share of items that have one.

    Lapsed leases on the item are marked `expired` first (they stopped counting already).
    """
    Assignment.objects.filter(
        item=item, status=AssignmentStatus.ACTIVE, expires_at__lte=now
    ).update(status=AssignmentStatus.EXPIRED, finished_at=now)
    shown = (
        project.show_prelabels
        and Prediction.objects.filter(item=item).exists()
        and rng.random() < project.prelabel_share
    )
    return Assignment.objects.create(
        project=project,
        item=item,
        annotator=user,
        round=item.round,
        prelabel_shown=shown,
        expires_at=now + timedelta(minutes=project.lease_minutes),
    )


def _claim(
    phases: list[QuerySet[Item]],
    *,
    project: Project,
    user: AbstractBaseUser,
    now: datetime,
    rng: random.Random,
) -> tuple[Assignment | None, bool]:
    """Lock candidates one at a time (skipping rows others hold) until one still has room.

    Returns (lease, contended): with no lease, `contended` says whether claimable rows were
    left that other transactions held locked, so the caller should try again shortly.
    """
    tried: list[int] = []
    for phase in phases:
        for _attempt in range(CLAIM_ATTEMPTS):
            locked = phase.exclude(pk__in=tried).select_for_update(skip_locked=True, of=("self",))
            item = locked.first()
            if item is None:
                break
            if _room_left(item, project=project, now=now):
                return _lease(item, project=project, user=user, now=now, rng=rng), False
            tried.append(item.pk)
    contended = any(phase.exclude(pk__in=tried).exists() for phase in phases)
    return None, contended


def own_leases(
    *, project: Project, user: AbstractBaseUser, now: datetime
) -> tuple[list[Assignment], list[int]]:
    """(the user's live leases, oldest first; item ids they skipped within SKIP_MEMORY).

    One read; the user's lapsed leases are marked `expired` on the way.
    """
    rows = list(
        Assignment.objects.filter(project=project, annotator_id=user.pk)
        .filter(
            Q(status=AssignmentStatus.ACTIVE)
            | Q(status=AssignmentStatus.SKIPPED, finished_at__gte=now - SKIP_MEMORY)
        )
        .select_related("item")
        .order_by("id")
    )
    active = [row for row in rows if row.status == AssignmentStatus.ACTIVE]
    lapsed = [lease.pk for lease in active if lease.expires_at <= now]
    if lapsed:
        Assignment.objects.filter(pk__in=lapsed).update(
            status=AssignmentStatus.EXPIRED, finished_at=now
        )
    live = [lease for lease in active if lease.expires_at > now]
    return live, [row.item_id for row in rows if row.status == AssignmentStatus.SKIPPED]


def _next_once(
    project: Project, user: AbstractBaseUser, now: datetime, rng: random.Random, ahead: bool
) -> tuple[Assignment | None, bool]:
    """One claim transaction; see `next_item`. Returns (lease, contended)."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(project=project, user_id=user.pk).first()
        )
        if membership is None:
            raise NotFound("No such project")
        if membership.acknowledged_version < project.guideline_version:
            raise GuidelineAckRequired(
                f"Read and acknowledge guideline version {project.guideline_version} first",
                details={"version": project.guideline_version},
            )
        live, skipped = own_leases(project=project, user=user, now=now)
        if live and not ahead:
            return live[0], False
        if len(live) >= MAX_LEASES:
            return live[-1], False
        # Items the user already holds are kept out, as well as the ones they skipped.
        excluded = skipped + [lease.item_id for lease in live]
        phases = claim_phases(project=project, user=user, now=now, rng=rng, skipped=excluded)
        return _claim(phases, project=project, user=user, now=now, rng=rng)


def next_item(
    project: Project,
    user: AbstractBaseUser,
    *,
    ahead: bool = False,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> Assignment | None:
    """The user's next assignment in `project`, or None when nothing is left for them.

    Returns the oldest live lease if there is one, else claims an item (see the module
    docstring). With `ahead=True` (the labeling screen prefetching while the user works on
    their current item) it returns a second lease instead: the one already prefetched, or a
    newly claimed item; a user never holds more than MAX_LEASES. When every claimable row is
    locked by rival claims, it ends its transaction (holding no locks) and retries after a
    short jittered pause, so None really means "done".
    Raises NotFound for non-members and GuidelineAckRequired (409) while the member has not
    acknowledged the guideline version in force. `now` and `rng` are for tests.
    """
    rng = rng or random.Random()  # noqa: S311 - sampling shares, not secrets
    for attempt in range(CONTENDED_RETRIES):
        assignment, contended = _next_once(project, user, now or timezone.now(), rng, ahead)
        if assignment is not None or not contended:
            return assignment
        time.sleep(random.uniform(0.002, 0.01) * (attempt + 1))  # noqa: S311 - jitter
    return None


def suggestion_for(assignment: Assignment) -> dict[str, object] | None:
    """The pre-label shown with this assignment: the item's latest prediction, or None."""
    if not assignment.prelabel_shown:
        return None
    prediction = (
        Prediction.objects.filter(item_id=assignment.item_id).order_by("-created_at", "-id").first()
    )
    if prediction is None:
        return None
    return {"value": prediction.value, "score": prediction.score, "model": prediction.model_version}


def remaining_count(*, project: Project, user: AbstractBaseUser) -> int:
    """How many items the user could still be given now (their live lease included)."""
    now = timezone.now()
    leased = list(
        Assignment.objects.filter(
            live_leases(now), project=project, annotator_id=user.pk
        ).values_list("item_id", flat=True)
    )
    claimable = claimable_items(project=project, user=user, now=now).exclude(pk__in=leased)
    return claimable.count() + len(leased)
