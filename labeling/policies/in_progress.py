"""in_progress_first (the default): finish items that already have annotations, then fresh ones.

Items closest to their overlap come first, so labels complete item by item and agreement can
be computed early. Fresh items follow in id (import) order. Both orders follow the
(project, annotation_count, id) index.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from labeling.models import Project
from labeling.policies.base import Phase
from labeling.policies.pool import ITEM


def candidates(*, project: Project, user: AbstractBaseUser) -> list[Phase]:
    """Started items (most annotations first), then untouched items in id order."""
    return [
        Phase(f"{ITEM}.annotation_count > 0", order_by=f"{ITEM}.annotation_count DESC, {ITEM}.id"),
        Phase(f"{ITEM}.annotation_count = 0"),
    ]
