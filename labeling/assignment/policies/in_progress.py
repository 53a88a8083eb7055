"""in_progress_first (the default): finish items that already have annotations, then fresh ones.

Reopened and escalated items come first (they carry the most annotations), then started items
closest to their overlap, then fresh items in id (import) order. Each phase is a range of an
index, so a claim reads only a few rows however far the project has progressed: the started
phase stops below the overlap, or it would walk every completed item on each claim.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from labeling.assignment.policies.base import Phase
from labeling.assignment.pool_sql import ITEM
from labeling.models import Project


def candidates(*, project: Project, user: AbstractBaseUser) -> list[Phase]:
    """Reopened/escalated items (partial index), started items, then untouched items."""
    return [
        Phase(
            f"({ITEM}.round > 1 OR {ITEM}.target_overlap IS NOT NULL)",
            order_by=f"{ITEM}.annotation_count DESC, {ITEM}.id",
        ),
        # Most annotations first; ties newest first, which is the index read backwards.
        Phase(
            f"{ITEM}.annotation_count > 0 AND {ITEM}.annotation_count < %s",
            (project.overlap,),
            order_by=f"{ITEM}.annotation_count DESC, {ITEM}.id DESC",
        ),
        Phase(f"{ITEM}.annotation_count = 0"),
    ]
