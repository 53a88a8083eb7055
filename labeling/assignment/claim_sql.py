"""The claim's statements besides the pool (labeling.assignment.pool_sql): the member's project,
the member's own leases, and the read of a phase's candidate rows (labeling.assignment.engine
runs them through labeling.db.executor).

Tables and columns are quoted; values are parameters, apart from a LIMIT that is an int.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from labeling.assignment.pool_sql import ASSIGNMENT, ITEM, id_list_sql
from labeling.db.backend import has_skip_locked
from labeling.db.executor import columns, table
from labeling.models import Assignment, Item, Membership, Project

if TYPE_CHECKING:
    from labeling.assignment.policies.base import Phase

# PostgreSQL: this transaction's commit does not wait for its WAL flush (sent before a read).
SOFT_COMMIT_SQL = "SET LOCAL synchronous_commit TO OFF; "


@cache
def member_project_sql(*, lock: bool) -> str:
    """The project `p` and the member row `m` (columns in that order) of user `%s` in project
    `%s` (params [project_id, user_id]); with `lock`, the member row is locked (FOR UPDATE OF)."""
    return (
        f"SELECT {columns(Project, 'p')}, {columns(Membership, 'm')} FROM {table(Project)} p"  # noqa: S608 - quoted tables, values bound
        f" JOIN {table(Membership)} m ON m.project_id = p.id WHERE p.id = %s AND m.user_id = %s"
        f"{' FOR UPDATE OF m' if lock else ''}"
    )


@cache
def own_leases_sql() -> str:
    """The user's leases of one status and their leases of another finished since a time, by
    id; params [project, user, status, project, user, status, finished since].

    Equality on all three columns of the (project, annotator, status) index in each branch, so
    the user's submitted history is never read (an OR made it a filter).
    """
    own = columns(Assignment, ASSIGNMENT)
    return (
        f"SELECT {own} FROM {ASSIGNMENT} WHERE project_id = %s AND annotator_id = %s AND status = %s"  # noqa: S608 - quoted tables, values bound
        f" UNION ALL SELECT {own} FROM {ASSIGNMENT} WHERE project_id = %s AND annotator_id = %s"
        " AND status = %s AND finished_at >= %s ORDER BY id"
    )


def phase_select_sql(
    phase: Phase, pool: tuple[str, list[object]], tried: list[int], *, limit: int | None, lock: bool
) -> tuple[str, list[object]]:
    """SELECT the phase's claimable item rows in order, leaving out `tried`.

    `pool` is labeling.assignment.pool_sql.pool_sql's (condition, params). With `lock` (PostgreSQL)
    the rows are locked FOR UPDATE SKIP LOCKED: rows rivals hold are passed over, not waited on.
    """
    pool_where, pool_params = pool
    not_tried, tried_params = id_list_sql(f"{ITEM}.id", tried)
    sql = (
        f"SELECT {columns(Item, ITEM)} FROM {ITEM} WHERE {pool_where} AND ({phase.where}) AND {not_tried}"  # noqa: S608 - quoted tables, values bound
        f" ORDER BY {phase.order_by}"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    if lock and has_skip_locked():
        sql += " FOR UPDATE SKIP LOCKED"
    return sql, [*pool_params, *phase.params, *tried_params, *phase.order_params]
