"""The policy signature shared by every ordering policy module."""

from __future__ import annotations

from typing import Protocol

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from labeling.models import Item, Project


class Policy(Protocol):
    """Order the claimable items: return querysets to try in turn, best first."""

    def __call__(
        self, items: QuerySet[Item], *, project: Project, user: AbstractBaseUser
    ) -> list[QuerySet[Item]]: ...
