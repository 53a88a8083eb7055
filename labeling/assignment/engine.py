"""The assignment engine: hand each annotator their next item, fairly and never over overlap.

An Assignment is a lease. `next_item` returns the annotator's live lease if they have one;
otherwise it claims an item. Which items are claimable (see `claimable_items`):
- not settled, and never reviewed by this user (labeling.models.ItemReviewer: a reviewer
  never labels what they reviewed, also after sending it back);
- the user has no annotation on it, or it was sent back to a new round and the user is asked
  again (listed in `reopened_for`, or `reopened_for` is empty and they annotated it before);
- live leases + annotations of the current round < the item's target
  (`target_overlap`, else the project's overlap);
- the user did not skip it in the last SKIP_MEMORY (skipped items go back to the pool for
  others; the skipper sees them again after that, or never in the same working day).
The project's ordering policy orders them (in_progress_first, the default, serves reopened and
escalated items first, as they carry the most annotations). Gold items are
served on a `gold_rate` share of claims (and once the regular pool is empty), to every
annotator whatever the overlap; the annotator cannot tell them apart, since the payload never
carries the gold answer.

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
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from labeling.assignment.claim_sql import (
    SOFT_COMMIT_SQL,
    member_project_sql,
    own_leases_sql,
    phase_select_sql,
)
from labeling.assignment.policies import policy_for
from labeling.assignment.policies.base import Phase
from labeling.assignment.pool_sql import (
    ACTIVE,
    ITEM,
    SKIP_MEMORY,
    claimable_items,
    db_time,
    insert_lease_if_room,
    live_leases,
    pool_sql,
    skipped_item_ids,
)
from labeling.db.backend import has_select_for_update_of, is_postgresql
from labeling.db.executor import fetch_all, fetch_one
from labeling.exceptions import Conflict, GuidelineAckRequired, NotFound
from labeling.models import Assignment, AssignmentStatus, Item, Membership, Prediction, Project
from labeling.values import value_text

SKIPPED = AssignmentStatus.SKIPPED.value
CLAIM_ATTEMPTS = 8  # rows tried per phase before giving up on it (each stale row costs one)
MAX_LEASES = 2  # the current item and one fetched ahead by the labeling screen
CONTENDED_RETRIES = 20  # claim transactions tried while rivals hold every candidate row
GOLD_TARGET = 32_767  # gold items take every annotator: no overlap slot count applies


def claim_phases(*, project: Project, user: AbstractBaseUser, rng: random.Random) -> list[Phase]:
    """Phases to claim from, in turn: the policy's order, regular or gold first.

    Gold items are not held to the overlap (see labeling.assignment.pool_sql). The pool is items below the project's overlap (the index on (project, annotation_count,
    id) keeps that range cheap) plus reopened and escalated items, which can sit above it;
    in_progress_first puts those first, since they carry the most annotations.
    """
    in_range = (
        f"({ITEM}.annotation_count < %s OR {ITEM}.round > 1 OR {ITEM}.target_overlap IS NOT NULL)"
    )
    phases = policy_for(project.ordering)(project=project, user=user)
    regular = [phase.narrowed(f"{in_range} AND {ITEM}.is_gold = %s", (project.overlap, False)) for phase in phases]
    # Gold items go to every annotator, whatever the overlap: that is what makes them a
    # measure of each one. Few, read through the partial index item_gold_idx, in id order.
    gold = [Phase(f"{ITEM}.is_gold = %s", (True,))]
    serve_gold = project.gold_rate > 0 and rng.random() < project.gold_rate
    return gold + regular if serve_gold else regular + gold


def candidate_ids(
    *, project: Project, user: AbstractBaseUser, now: datetime | None = None, rng: random.Random | None = None
) -> list[int]:
    """Every item the user could claim now, in the order the engine would try them (no locks)."""
    now = now or timezone.now()
    pool = pool_sql(project=project, user_id=user.pk, now=now, skipped=skipped_item_ids(project=project, user=user, now=now))
    ids: list[int] = []
    for phase in claim_phases(project=project, user=user, rng=rng or random.Random(0)):  # noqa: S311
        sql, params = phase_select_sql(phase, pool, ids, limit=None, lock=False)
        ids.extend(item.pk for item in fetch_all(sql, params, Item))
    return ids


def _lease(
    item: Item, *, project: Project, user: AbstractBaseUser, now: datetime, rng: random.Random
) -> Assignment | None:
    """Write the lease if the item still has room, else None (see `insert_lease_if_room`).

    A pre-label is shown on the project's share of items that have one.
    """
    shown = (
        project.show_prelabels
        and Prediction.objects.filter(item=item).exists()
        and rng.random() < project.prelabel_share
    )
    values: dict[str, object] = {
        "project_id": project.pk,
        "item_id": item.pk,
        "annotator_id": user.pk,
        "status": AssignmentStatus.ACTIVE.value,
        "round": item.round,
        "prelabel_shown": bool(shown),
        "created_at": now,
        "expires_at": now + timedelta(minutes=project.lease_minutes),
    }
    target = GOLD_TARGET if item.is_gold else item.target_overlap or project.overlap
    pk = insert_lease_if_room(values, target=target, now=now)
    if pk is None:
        return None
    lease = Assignment(pk=pk, **values)
    lease._state.adding, lease._state.db = False, DEFAULT_DB_ALIAS
    lease.item, lease.project = item, project
    return lease


def _claim(
    phases: list[Phase],
    pool: tuple[str, list[object]],
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
            sql, params = phase_select_sql(phase, pool, tried, limit=1, lock=True)
            found = fetch_one(sql, params, [Item])
            if found is None:
                break
            item = found[0]
            lease = _lease(item, project=project, user=user, now=now, rng=rng)
            if lease is not None:
                return lease, False
            tried.append(item.pk)
    contended = False
    for phase in phases:
        sql, params = phase_select_sql(phase, pool, tried, limit=1, lock=False)
        if fetch_one(sql, params, [Item]) is not None:
            contended = True
            break
    return None, contended


def own_leases(
    *, project: Project, user: AbstractBaseUser, now: datetime
) -> tuple[list[Assignment], list[int]]:
    """(the user's live leases, oldest first; item ids they skipped within SKIP_MEMORY).

    One read; the user's lapsed leases are marked `expired` on the way.
    """
    rows = fetch_all(
        own_leases_sql(),
        [project.pk, user.pk, ACTIVE, project.pk, user.pk, SKIPPED, db_time(now - SKIP_MEMORY)],
        Assignment,
    )
    active = [row for row in rows if row.status == AssignmentStatus.ACTIVE]
    lapsed = [lease.pk for lease in active if lease.expires_at <= now]
    if lapsed:
        Assignment.objects.filter(pk__in=lapsed).update(
            status=AssignmentStatus.EXPIRED, finished_at=now
        )
    live = [lease for lease in active if lease.expires_at > now]
    return live, [row.item_id for row in rows if row.status == AssignmentStatus.SKIPPED]


def _member_project(project_id: int, user: AbstractBaseUser) -> tuple[Project, Membership]:
    """Read the project with the user's member row, locking that row (one claim at a time per
    annotator). NotFound for outsiders, GuidelineAckRequired (409) before acknowledgement."""
    # A lease is soft state: lost in a crash, the annotator simply claims again. So the claim
    # transaction does not wait for its WAL flush (submits, which store labels, still do).
    soft = SOFT_COMMIT_SQL if is_postgresql() else ""
    found = fetch_one(
        member_project_sql(lock=has_select_for_update_of()),
        [project_id, user.pk],
        [Project, Membership],
        before=soft,
    )
    if found is None or found[0].deleting:
        raise NotFound("No such project")
    project, membership = found
    if project.is_archived:
        raise Conflict("The project is archived: no new work is handed out")
    if membership.acknowledged_version < project.guideline_version:
        raise GuidelineAckRequired(
            f"Read and acknowledge guideline version {project.guideline_version} first",
            details={"version": project.guideline_version},
        )
    return project, membership  # type: ignore[return-value]


def _next_once(
    project_id: int, user: AbstractBaseUser, now: datetime, rng: random.Random, ahead: bool
) -> tuple[Assignment | None, bool]:
    """One claim transaction; see `next_item`. Returns (lease, contended)."""
    with transaction.atomic():
        project, _membership = _member_project(project_id, user)
        live, skipped = own_leases(project=project, user=user, now=now)
        if live and not ahead:
            return live[0], False
        if len(live) >= MAX_LEASES:
            return live[-1], False
        # Items the user already holds are kept out, as well as the ones they skipped.
        excluded = skipped + [lease.item_id for lease in live]
        pool = pool_sql(project=project, user_id=user.pk, now=now, skipped=excluded)
        phases = claim_phases(project=project, user=user, rng=rng)
        return _claim(phases, pool, project=project, user=user, now=now, rng=rng)


def next_item(
    project: Project | int,
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
    `project` may be an id (the project is read with the member row either way).
    Raises NotFound for non-members and GuidelineAckRequired (409) while the member has not
    acknowledged the guideline version in force. `now` and `rng` are for tests.
    """
    rng = rng or random.Random()  # noqa: S311 - sampling shares, not secrets
    project_id = project if isinstance(project, int) else project.pk
    for attempt in range(CONTENDED_RETRIES):
        assignment, contended = _next_once(project_id, user, now or timezone.now(), rng, ahead)
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
    return {
        "value": prediction.value,
        "text": value_text(prediction.value),  # what the screen shows (labeling.values)
        "score": prediction.score,
        "model": prediction.model_version,
    }


REMAINING_CAP = 1_000  # remaining_count counts no further than this + 1


def remaining_count(*, project: Project, user: AbstractBaseUser, cap: int = REMAINING_CAP) -> int:
    """How many items the user could still be given now (their live lease included), counted
    no further than cap + 1: a result above `cap` means "more than cap" (a page view or a
    progress poll never counts a whole large project).
    """
    now = timezone.now()
    leased = list(
        Assignment.objects.filter(
            live_leases(now), project=project, annotator_id=user.pk
        ).values_list("item_id", flat=True)
    )
    claimable = claimable_items(project=project, user=user, now=now).exclude(pk__in=leased)
    return min(claimable.order_by()[: cap + 1].count() + len(leased), cap + 1)
