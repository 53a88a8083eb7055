"""Review reads for the pages (lead data browser, item review form posts).

No permission check here: the page's access decorator admitted a lead or reviewer of the
project first, and each reader keeps to that project's (or item's) rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from labeling.models import AuditEntry, Item, Project
from review.choices import FlagStatus
from review.models import Flag
from review.selectors.audit import audit_list

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


def audit_entry_latest_own(
    *, user: AbstractBaseUser, project_id: int, item_id: int, actions: Iterable[str]
) -> AuditEntry | None:
    """The user's own newest audit entry on the item (as `audit_list` gathers an item's
    entries) whose action is one of `actions`, or None. Staff only, as `audit_list`."""
    return (
        audit_list(user=user, project_id=project_id, item_id=item_id)
        .filter(actor_id=user.pk, action__in=actions)
        .order_by("-id")
        .first()
    )


def flag_most_severe_open_or_none(*, project: Project) -> Flag | None:
    """The project's open flag with the highest severity (oldest first on ties), with its
    item, or None when no flag is open."""
    return (
        Flag.objects.filter(project=project, status=FlagStatus.OPEN)
        .select_related("item")
        .order_by("-severity", "id")
        .first()
    )
