"""random: a pseudo-random order that is stable per annotator (seeded by user id).

Each item's rank is an affine hash (id * a + b) mod p with a prime p and a, b drawn from the
annotator's seed: the same annotator always sees the same order, two annotators see different
ones, and the database computes it (portable to SQLite and PostgreSQL). It sorts every
claimable item, so it costs more than the index-ordered policies on very large projects.
"""

from __future__ import annotations

import random

from django.contrib.auth.models import AbstractBaseUser

from labeling.assignment.policies.base import Phase
from labeling.assignment.pool_sql import ITEM
from labeling.models import Project

PRIME = 2_147_483_647  # 2**31 - 1: ids * a stay well inside 64-bit integers


def seed_for(*, project: Project, user: AbstractBaseUser) -> tuple[int, int]:
    """(a, b) for the annotator's hash; deterministic for the pair (project, user)."""
    draw = random.Random(f"accord:{project.pk}:{user.pk}")  # noqa: S311 - ordering, not secrets
    return draw.randrange(1, PRIME), draw.randrange(0, PRIME)


def candidates(*, project: Project, user: AbstractBaseUser) -> list[Phase]:
    """All claimable items ordered by the annotator's hash, ties broken by id."""
    a, b = seed_for(project=project, user=user)
    # Integers of our own making, inlined (SQLite cannot type a parameter inside arithmetic);
    # "%%" is a literal percent in SQL run with parameters.
    return [Phase(order_by=f"(({ITEM}.id * {a} + {b}) %% {PRIME}), {ITEM}.id")]
