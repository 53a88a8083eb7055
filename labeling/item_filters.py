"""The items list's filters over REST: external id for everyone; status, label and flag for
reviewers and leads (they read the consensus and the review queue, which annotators never see).

Status and label follow the lead's items browser (labeling.browse). The flag filter reads the
review app's flags through the Item.flags relation, so labeling imports nothing of review.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from labeling.browse import STATUSES, BrowseFilters, item_filter
from labeling.exceptions import AccordError
from labeling.models import Item
from labeling.permissions import STAFF_ROLES, project_for_role
from labeling.selectors import item_list

OPEN_FLAG = "open"  # review.choices.FlagStatus.OPEN


@dataclass(frozen=True)
class ItemListFilters:
    """Empty strings do not filter."""

    external_id: str = ""
    status: str = ""
    label: str = ""
    flag: str = ""

    @property
    def staff_only(self) -> bool:
        return bool(self.status or self.label or self.flag)


def item_list_filtered(
    *, user: AbstractBaseUser, project_id: int, filters: ItemListFilters
) -> QuerySet[Item]:
    """The items `item_list` admits, narrowed by `filters`, in id order.

    Raises NotFound for outsiders, PermissionDenied when an annotator asks for a staff-only
    filter, and AccordError (400) for a status the browser does not know.
    """
    if not filters.staff_only:
        items = item_list(user=user, project_id=project_id)
    else:
        project = project_for_role(user, project_id, STAFF_ROLES)
        if filters.status and filters.status not in STATUSES:
            raise AccordError(f"status must be one of {', '.join(STATUSES)}")
        browse = BrowseFilters(status=filters.status, label=filters.label)
        items = item_filter(project, browse).order_by("id")
        if filters.flag:
            # At most one flag per (item, reason): the join adds no duplicate rows.
            items = items.filter(flags__reason=filters.flag, flags__status=OPEN_FLAG)
    if filters.external_id:
        items = items.filter(external_id=filters.external_id)
    return items


def item_search_filtered(
    *, user: AbstractBaseUser, project_id: int, term: str, filters: ItemListFilters
) -> tuple[Item | None, QuerySet[Item]]:
    """`selectors.item_search` within the filtered items: the item whose external id is
    `term` (or None), and the others whose id starts with it, in id order."""
    items = item_list_filtered(user=user, project_id=project_id, filters=filters)
    exact = items.filter(external_id=term).first()
    return exact, items.filter(external_id__startswith=term).exclude(external_id=term)
