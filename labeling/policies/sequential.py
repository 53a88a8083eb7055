"""sequential: items in import (id) order, for datasets whose order means something."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from labeling.models import Item, Project


def candidates(
    items: QuerySet[Item], *, project: Project, user: AbstractBaseUser
) -> list[QuerySet[Item]]:
    """All claimable items by ascending id."""
    return [items.order_by("id")]
