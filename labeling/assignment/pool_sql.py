"""The pool: which items an annotator may claim right now, as one SQL condition on the item table.

See labeling.assignment for the rules. The condition is plain SQL because the claim runs on
every "next" request: composing the same filter with the ORM (correlated subqueries, Exists,
Coalesce) cost several milliseconds of Python per request, more than the query itself. It is
written once here and used twice: by the claim (labeling.assignment, raw SQL under FOR UPDATE
SKIP LOCKED) and by `claimable_items` (a queryset, for counts and progress).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from labeling.db.executor import db_time, execute, table
from labeling.models import Annotation, Assignment, AssignmentStatus, Item, ItemReviewer, Project

SKIP_MEMORY = timedelta(hours=12)  # how long a skipped item stays away from its skipper

ITEM = table(Item)
ASSIGNMENT = table(Assignment)
ANNOTATION = table(Annotation)
REVIEWER = table(ItemReviewer)
ACTIVE = AssignmentStatus.ACTIVE.value


# "OFFSET 0" keeps PostgreSQL from turning NOT EXISTS into a hash or merge anti-join over all
# of the user's annotations (it did with fresh statistics, 11 ms per claim at 200 annotations
# each); probed row by row, a claim that stops at the first eligible item reads a few rows.
_PROBE_PER_ROW = " OFFSET 0"


def live_leases(now: datetime) -> Q:
    """Assignments that hold a slot right now: active and not past their expiry."""
    return Q(status=AssignmentStatus.ACTIVE, expires_at__gt=now)


def _reopened_for_sql(user_id: int) -> tuple[str, list[object]]:
    """The item's `reopened_for` is empty or lists `user_id` (JSON containment per vendor)."""
    if connection.vendor == "postgresql":
        return (
            f"({ITEM}.reopened_for = '[]'::jsonb OR {ITEM}.reopened_for @> %s::jsonb)",
            [json.dumps([user_id])],
        )
    return (
        f"(json_array_length({ITEM}.reopened_for) = 0"  # noqa: S608 - quoted tables, values bound
        f" OR EXISTS (SELECT 1 FROM json_each({ITEM}.reopened_for) WHERE json_each.value = %s))",
        [user_id],
    )


def id_list_sql(column: str, ids: Sequence[int], *, negate: bool = True) -> tuple[str, list[object]]:
    """`column NOT IN (...)` (or IN) over `ids`; an always-true/false test when empty.

    On PostgreSQL one array parameter, so the statement text (and its prepared plan, see
    labeling.db.executor.execute) does not change with the number of ids.
    """
    if connection.vendor == "postgresql":
        return f"{'NOT ' if negate else ''}({column} = ANY(%s))", [[int(pk) for pk in ids]]
    if not ids:
        return ("1 = 1" if negate else "1 = 0"), []
    marks = ", ".join(["%s"] * len(ids))
    return f"{column} {'NOT IN' if negate else 'IN'} ({marks})", [int(pk) for pk in ids]


def pool_sql(
    *, project: Project, user_id: int, now: datetime, skipped: Sequence[int]
) -> tuple[str, list[object]]:
    """(condition on the item table, params): the items `user_id` may claim in `project` at `now`.

    - not settled;
    - the user has no annotation on it, or it was sent back to a later round and they are asked
      again (`reopened_for` empty or listing them). Written as one NOT EXISTS (a user has at
      most one annotation per item), which PostgreSQL runs as an anti-join probing the
      (item, annotator) index row by row (see _PROBE_PER_ROW); the OR of two EXISTS made it
      hash all of the user's annotations on every claim;
    - the user never made a review decision on it (ItemReviewer: a reviewer never labels what
      they reviewed, also after a send-back cleared the final label); one NOT EXISTS probing
      the (item, user) unique index, row by row like the one above;
    - live leases plus annotations of the current round are below its target (`target_overlap`,
      else the project's overlap), except for gold items, which every annotator gets; the annotation_count test comes first because it is a column
      read that rules out full round-1 items before any subquery runs;
    - not in `skipped` (the user's recent skips and the leases they hold).
    """
    reopened, reopened_params = _reopened_for_sql(user_id)
    not_skipped, skipped_params = id_list_sql(f"{ITEM}.id", skipped)
    mine = f"SELECT 1 FROM {ANNOTATION} mine WHERE mine.item_id = {ITEM}.id AND mine.annotator_id = %s"  # noqa: S608 - quoted tables, values bound
    reviewed = f"SELECT 1 FROM {REVIEWER} rev WHERE rev.item_id = {ITEM}.id AND rev.user_id = %s"  # noqa: S608 - quoted tables, values bound
    mine_end = _PROBE_PER_ROW if connection.vendor == "postgresql" else ""
    target = f"COALESCE({ITEM}.target_overlap, %s)"
    sql = f"""
        {ITEM}.project_id = %s
        AND {ITEM}.final_value IS NULL
        AND ({ITEM}.is_gold OR {ITEM}.round > 1 OR {ITEM}.annotation_count < {target})
        AND NOT EXISTS ({mine} AND NOT (mine.round < {ITEM}.round AND {reopened}){mine_end})
        AND NOT EXISTS ({reviewed}{mine_end})
        AND {not_skipped}
        AND ({ITEM}.is_gold OR (SELECT COUNT(*) FROM {ASSIGNMENT} lease
             WHERE lease.item_id = {ITEM}.id AND lease.status = %s AND lease.expires_at > %s)
          + (SELECT COUNT(*) FROM {ANNOTATION} done
             WHERE done.item_id = {ITEM}.id AND done.round = {ITEM}.round) < {target})"""  # noqa: S608 - quoted tables, values bound
    params: list[object] = [
        project.pk, project.overlap, user_id, *reopened_params, user_id,
        *skipped_params, ACTIVE, db_time(now), project.overlap,
    ]
    return sql, params


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
    """Items of `project` that `user` may claim at `now`, unordered (see `pool_sql`).

    `skipped` (the user's recently skipped item ids) is read here when the caller has not.
    """
    if skipped is None:
        skipped = skipped_item_ids(project=project, user=user, now=now)
    sql, params = pool_sql(project=project, user_id=user.pk, now=now, skipped=skipped)
    condition = RawSQL(sql, params, output_field=BooleanField())  # noqa: S611 - parameterised
    return Item.objects.filter(project=project).filter(Q(condition))


def insert_lease_if_room(values: dict[str, object], *, target: int, now: datetime) -> int | None:
    """INSERT the lease (`values`: Assignment attnames) only while the item has a free slot.

    The statement re-counts the item's live leases and current-round annotations itself: run
    after the claim locked the item row, it takes a fresh snapshot, so a rival's lease committed
    after the claim query began is counted. Lapsed leases of the item are marked `expired` on
    the way (they stopped counting already). Returns the new id, or None when the item is full.
    """
    fields = [Assignment._meta.get_field(name) for name in values if values[name] is not None]
    params = [field.get_db_prep_save(values[field.attname], connection) for field in fields]
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    item_id, round_, stamp = values["item_id"], values["round"], db_time(now)
    room = f"""
        (SELECT COUNT(*) FROM {ASSIGNMENT} WHERE item_id = %s AND status = %s AND expires_at > %s)
        + (SELECT COUNT(*) FROM {ANNOTATION} WHERE item_id = %s AND round = %s) < %s"""  # noqa: S608 - quoted tables, values bound
    room_params = [item_id, ACTIVE, stamp, item_id, round_, target]
    expire = f"UPDATE {ASSIGNMENT} SET status = %s, finished_at = %s WHERE item_id = %s AND status = %s AND expires_at <= %s"  # noqa: S608 - quoted tables, values bound
    expire_params = [AssignmentStatus.EXPIRED.value, stamp, item_id, ACTIVE, stamp]
    insert = f"INSERT INTO {ASSIGNMENT} ({names}) SELECT {marks} WHERE {room} RETURNING id"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one round trip
            execute(cursor, f"WITH lapsed AS ({expire}) {insert}", [*expire_params, *params, *room_params])
        else:
            execute(cursor, expire, expire_params)
            execute(cursor, insert, [*params, *room_params])
        row = cursor.fetchone()
    return None if row is None else int(row[0])
