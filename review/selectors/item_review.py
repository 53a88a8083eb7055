"""One item as the reviewer sees it: every annotation side by side, with its review history."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from labeling.exceptions import NotFound
from labeling.models import Annotation, AuditEntry, Item, Prediction, Project
from labeling.permissions import STAFF_ROLES, project_for_role
from review.models import Flag, ItemComment, ReviewDecision
from review.selectors.audit import audit_list


@dataclass(frozen=True)
class ItemReview:
    """Everything the item view shows, loaded in a fixed number of queries."""

    project: Project
    item: Item
    annotations: list[Annotation]
    predictions: list[Prediction]
    flags: list[Flag]
    decisions: list[ReviewDecision]
    comments: list[ItemComment]
    audit: list[AuditEntry]
    own_item: bool


def item_review_get(*, user: AbstractBaseUser, project_id: int, item_id: int) -> ItemReview:
    """The item with every annotation side by side (annotator, verdict), predictions, flags,
    decisions, comment thread and audit trail; staff only. NotFound for another project's item.
    """
    project = project_for_role(user, project_id, STAFF_ROLES)
    item = Item.objects.filter(project=project, pk=item_id).select_related("final_reviewer").first()
    if item is None:
        raise NotFound("No such item in this project")
    annotations = list(
        item.annotations.select_related("annotator", "review").order_by("created_at", "id")
    )
    return ItemReview(
        project=project,
        item=item,
        annotations=annotations,
        predictions=list(item.predictions.order_by("-id")),
        flags=list(item.flags.order_by("-severity", "id")),
        decisions=list(item.review_decisions.select_related("reviewer").order_by("id")),
        comments=list(item.review_comments.select_related("author").order_by("id")),
        audit=list(audit_list(user=user, project_id=project_id, item_id=item_id)),
        own_item=any(a.annotator_id == user.pk for a in annotations),
    )
