"""The submit's statements: read the caller's lease with its item and project, count the new
annotation on the item, close the lease (labeling.services.annotations runs them).

One joined read and two writes that travel with the annotation's INSERT (labeling.db.executor
`insert(..., along=...)`): the ORM compiled the same statements anew on every submit.
Tables and columns are quoted; every value is a parameter.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from labeling.db.executor import columns, db_time, table
from labeling.models import Assignment, AssignmentStatus, Item, Membership, Project

Statement = tuple[str, list[object]]


@cache
def own_assignment_sql(*, lock: bool) -> str:
    """The lease `a` with its item `i` and project `p` (columns in that order), only while the
    annotator `%s` is a member of its project; params [assignment_id, user_id]. With `lock`,
    the lease row is locked FOR UPDATE (the database must support FOR UPDATE OF)."""
    return (
        f"SELECT {columns(Assignment, 'a')}, {columns(Item, 'i')}, {columns(Project, 'p')}"  # noqa: S608 - quoted tables, values bound
        f" FROM {table(Assignment)} a"
        f" JOIN {table(Item)} i ON i.id = a.item_id"
        f" JOIN {table(Project)} p ON p.id = a.project_id"
        f" JOIN {table(Membership)} m ON m.project_id = a.project_id AND m.user_id = a.annotator_id"
        f" WHERE a.id = %s AND a.annotator_id = %s{' FOR UPDATE OF a' if lock else ''}"
    )


def lease_close(assignment_id: int, status: AssignmentStatus, now: datetime) -> Statement:
    """Set the lease's status and finished_at."""
    sql = f"UPDATE {table(Assignment)} SET status = %s, finished_at = %s WHERE id = %s"  # noqa: S608 - quoted tables, values bound
    return sql, [status.value, db_time(now), assignment_id]


def item_annotation_counted(item_id: int, now: datetime) -> Statement:
    """One more annotation on the item, which waits for review's recompute (since `now`, unless
    it was already waiting)."""
    sql = (
        f"UPDATE {table(Item)} SET annotation_count = annotation_count + 1,"  # noqa: S608 - quoted tables, values bound
        " recompute_pending = %s,"
        " recompute_pending_since = COALESCE(recompute_pending_since, %s) WHERE id = %s"
    )
    return sql, [True, db_time(now), item_id]
