"""Review reads for the pages (lead data browser, item review form posts).

No permission check here: the page's access decorator admitted a lead or reviewer of the
project first, and each reader keeps to that project's (or item's) rows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from labeling.models import Item, Project
from review.choices import FlagStatus
from review.models import Flag

OPEN_STATUSES = (FlagStatus.OPEN, FlagStatus.IN_REVIEW)


def flagged_item_ids(*, project: Project, reason: str) -> QuerySet[Flag, dict[str, Any]]:
    """The ids of the project's items with an open (or in review) flag of `reason`, as a
    subquery (`.values("item_id")`) for the items browser's filter."""
    return Flag.objects.filter(project=project, reason=reason, status__in=OPEN_STATUSES).values(
        "item_id"
    )


def flag_on_item_get_or_none(*, item: Item, flag_id: Any) -> Flag | None:
    """One flag of the item by id (as posted: a string is fine), or None."""
    return Flag.objects.filter(item=item, pk=flag_id).first()
