"""What every ordering policy returns: phases, SQL slices of the pool, each with its order
(labeling.assignment.claim_sql reads a phase's rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from django.contrib.auth.models import AbstractBaseUser

from labeling.assignment.pool_sql import ITEM
from labeling.models import Project


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

