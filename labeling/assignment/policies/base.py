"""What every ordering policy returns (phases: SQL slices of the pool, each with its order), and
the SELECT that reads a phase."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from django.contrib.auth.models import AbstractBaseUser

from labeling.assignment.pool_sql import ITEM, id_list_sql
from labeling.db.backend import has_skip_locked
from labeling.db.executor import columns
from labeling.models import Item, Project


@dataclass(frozen=True)
class Phase:
    """Claimable items matching `where` (SQL on the item table), tried in `order_by` order.

    The engine adds the pool condition, the rows already tried and the lock; `order_by` must end
    on a unique column (the id) so the order is total. Orders should follow an index where the
    project can be large, because the engine reads them with LIMIT under SELECT ... FOR UPDATE.
    """

    where: str = "1 = 1"
    params: tuple[object, ...] = ()
    order_by: str = f"{ITEM}.id"
    order_params: tuple[object, ...] = field(default=())

    def narrowed(self, where: str, params: tuple[object, ...] = ()) -> Phase:
        """This phase restricted further by `where`."""
        return Phase(f"({self.where}) AND ({where})", self.params + params, self.order_by, self.order_params)


class Policy(Protocol):
    """Order the claimable items: phases to try in turn, best first."""

    def __call__(self, *, project: Project, user: AbstractBaseUser) -> list[Phase]: ...


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
