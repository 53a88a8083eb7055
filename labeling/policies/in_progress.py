"""in_progress_first (the default): finish items that already have annotations, then fresh ones.

Items closest to their overlap come first, so labels complete item by item and agreement can
be computed early. Fresh items follow in id (import) order. Both orders follow the
(project, annotation_count, id) index.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from labeling.models import Item, Project


def candidates(
    items: QuerySet[Item], *, project: Project, user: AbstractBaseUser
) -> list[QuerySet[Item]]:
    """Started items (most annotations first), then untouched items in id order."""
    return [
        items.filter(annotation_count__gt=0).order_by("-annotation_count", "id"),
        items.filter(annotation_count=0).order_by("id"),
    ]
