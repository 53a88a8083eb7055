"""Reopen an item the annotator skipped: they chose it from their "Skipped" list.

A skip keeps the item away from its skipper for SKIP_MEMORY (labeling.assignment); choosing it
from the list lifts that for this one item. Every other claim rule still holds (overlap, the
reviewer rule, not settled, not labeled by them in this round).
"""

from __future__ import annotations

import random

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from labeling.assignment import engine
from labeling.assignment.pool_sql import claimable_items
from labeling.exceptions import AssignmentClosed
from labeling.models import Assignment, AssignmentStatus


def skipped_reclaim(*, project_id: int, user: AbstractBaseUser, item_id: int) -> Assignment:
    """Lease the skipped item `item_id` to `user` now and make it their current item.

    The user's other live leases (the current item and the one fetched ahead) are released,
    so the labeling screen's next request returns this lease. Raises NotFound (not a member),
    GuidelineAckRequired (409) and AssignmentClosed (409: the item is settled, full, or no
    longer theirs to label). Locks the member row, then the item row.
    """
    now = timezone.now()
    with transaction.atomic():
        project, _membership = engine._member_project(project_id, user)
        live, _skipped = engine.own_leases(project=project, user=user, now=now)
        for lease in live:
            if lease.item_id == item_id:
                return lease
        item = (
            claimable_items(project=project, user=user, now=now, skipped=[])
            .filter(pk=item_id)
            .select_for_update()
            .first()
        )
        if item is None:
            raise AssignmentClosed("This item is no longer open to you: it is settled or full")
        Assignment.objects.filter(pk__in=[lease.pk for lease in live]).update(
            status=AssignmentStatus.RELEASED, finished_at=now
        )
        rng = random.Random()  # noqa: S311 - the pre-label share, not a secret
        lease = engine._lease(item, project=project, user=user, now=now, rng=rng)
        if lease is None:
            raise AssignmentClosed("Someone else took the last place on this item")
    return lease
