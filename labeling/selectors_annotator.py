"""Reads for the annotator's own screen: why an item came back, the items they skipped, and
their own annotations (history and edit).

All read only the caller's own rows (their assignments and annotations) and the audit entry
of a reopen, never a peer's label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, Max, OuterRef, QuerySet

from labeling.models import Annotation, Assignment, AssignmentStatus, AuditEntry, Item, Project
from labeling.permissions import project_for_role
from labeling.services.items import ReopenReason
from labeling.values import value_text

SKIPPED_LIST_LIMIT = 200  # the newest skips; older ones are long back in the pool


def sent_back_for(assignment: Assignment) -> dict[str, Any] | None:
    """Why the assignment's item is in a later round: {"round", "reason", "note", "earlier"}.

    `reason` is "review" (a reviewer sent it back; `note` is theirs) or "guideline" (labeled
    under an older guideline version); `earlier` is the caller's own earlier label as text
    ("" when they had none). None for a first-round item.
    """
    if assignment.round <= 1:
        return None
    entry = (
        AuditEntry.objects.filter(
            target_type="item",
            target_id=str(assignment.item_id),
            action__in=[reason.value for reason in ReopenReason],
        )
        .order_by("-id")
        .first()
    )
    mine = Annotation.objects.filter(
        item_id=assignment.item_id, annotator_id=assignment.annotator_id
    ).first()
    after = (entry.after if entry else None) or {}
    return {
        "round": assignment.round,
        "reason": "guideline" if entry and entry.action == ReopenReason.STALE_GUIDELINE else "review",
        "note": str(after.get("note") or ""),
        "earlier": value_text(mine.value) if mine else "",
    }


@dataclass(frozen=True)
class SkippedItem:
    item: Item
    skipped_at: Any


def skipped_list(*, user: AbstractBaseUser, project_id: int) -> list[SkippedItem]:
    """Items the user skipped and has not labeled since, newest skip first (once each).

    Settled items are left out (nobody labels them any more); NotFound for non-members.
    """
    project = project_for_role(user, project_id)
    labeled = Annotation.objects.filter(
        item_id=OuterRef("item_id"), annotator_id=user.pk, round__gte=OuterRef("item__round")
    )
    rows = (
        Assignment.objects.filter(
            project=project, annotator_id=user.pk, status=AssignmentStatus.SKIPPED,
            item__final_value__isnull=True,
        )
        .exclude(Exists(labeled))
        .values("item_id")
        .annotate(last=Max("finished_at"))
        .order_by("-last", "-item_id")[:SKIPPED_LIST_LIMIT]
    )
    rows = list(rows)
    items = Item.objects.in_bulk([row["item_id"] for row in rows])
    return [SkippedItem(item=items[row["item_id"]], skipped_at=row["last"]) for row in rows]


def annotation_count_own(*, project: Project, user: AbstractBaseUser) -> int:
    """How many annotations the user made in the project (the home page's "done")."""
    return project.annotations.filter(annotator=user).count()


def annotation_history_list(*, project: Project, user: AbstractBaseUser) -> QuerySet[Annotation]:
    """The user's own annotations in the project with their item, last changed first.

    `project` is one the caller is a member of (the page checked); a lazy queryset to page.
    """
    return (
        Annotation.objects.filter(project=project, annotator_id=user.pk)
        .select_related("item")
        .order_by("-updated_at", "-id")
    )


def annotation_own_get_or_none(
    *, project: Project, user: AbstractBaseUser, annotation_id: int
) -> Annotation | None:
    """One of the user's own annotations in the project, with its item; None for anyone else's."""
    return (
        Annotation.objects.filter(pk=annotation_id, project=project, annotator_id=user.pk)
        .select_related("item")
        .first()
    )
