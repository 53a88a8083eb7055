"""The pool: which items an annotator may claim right now (every ordering policy orders it).

See labeling.assignment for the rules; this module only builds the querysets and expressions.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from labeling.models import Annotation, Assignment, AssignmentStatus, Item, Project

SKIP_MEMORY = timedelta(hours=12)  # how long a skipped item stays away from its skipper


def live_leases(now: datetime) -> Q:
    """Assignments that hold a slot right now: active and not past their expiry."""
    return Q(status=AssignmentStatus.ACTIVE, expires_at__gt=now)


def _count(queryset: QuerySet[Assignment] | QuerySet[Annotation]) -> Coalesce:
    """A correlated COUNT(*) over `queryset` (already filtered on the outer item), 0 if none."""
    grouped = queryset.order_by().values("item_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(grouped), Value(0))


def _reopened_for(user_id: int) -> Q:
    """Items whose `reopened_for` list holds `user_id` (JSON containment differs per vendor)."""
    if connection.vendor == "postgresql":
        return Q(reopened_for__contains=[user_id])
    table = Item._meta.db_table
    sql = f'EXISTS (SELECT 1 FROM json_each("{table}"."reopened_for") WHERE json_each.value = %s)'  # noqa: S608 - table name is ours
    return Q(RawSQL(sql, (user_id,), output_field=BooleanField()))  # noqa: S611 - parameterised


def taken_slots(now: datetime) -> Coalesce:
    """Live leases plus annotations of the item's current round, as an expression on Item."""
    live = Assignment.objects.filter(live_leases(now), item=OuterRef("pk"))
    done = Annotation.objects.filter(item=OuterRef("pk"), round=OuterRef("round"))
    return _count(live) + _count(done)


def skipped_item_ids(*, project: Project, user: AbstractBaseUser, now: datetime) -> list[int]:
    """Items the user skipped within SKIP_MEMORY (kept away from them, not from others)."""
    return list(
        Assignment.objects.filter(
            project=project,
            annotator_id=user.pk,
            status=AssignmentStatus.SKIPPED,
            finished_at__gte=now - SKIP_MEMORY,
        ).values_list("item_id", flat=True)
    )


def claimable_items(
    *, project: Project, user: AbstractBaseUser, now: datetime, skipped: list[int] | None = None
) -> QuerySet[Item]:
    """Items of `project` that `user` may claim at `now`, unordered (see the module docstring).

    `skipped` (the user's recently skipped item ids) is read here when the caller has not.
    """
    mine = Annotation.objects.filter(item=OuterRef("pk"), annotator_id=user.pk)
    asked_again = Exists(mine.filter(round__lt=OuterRef("round"))) & (
        Q(reopened_for=[]) | _reopened_for(user.pk)
    )
    if skipped is None:
        skipped = skipped_item_ids(project=project, user=user, now=now)
    target = Coalesce("target_overlap", Value(project.overlap))
    return (
        Item.objects.filter(project=project, final_value__isnull=True)
        # Cheap column test first: in round 1 every annotation takes a slot, so an item whose
        # annotation_count reached its target is full without running the COUNT subqueries.
        .filter(Q(round__gt=1) | Q(annotation_count__lt=target))
        .filter(Q(final_reviewer__isnull=True) | ~Q(final_reviewer_id=user.pk))
        .filter(~Exists(mine) | asked_again)
        .exclude(pk__in=skipped)
        .alias(
            taken=taken_slots(now),
            target=target,
        )
        .filter(taken__lt=F("target"))
    )
