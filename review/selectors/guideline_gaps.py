"""Settled items whose cause was a gap in the guideline: material for its next version."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from labeling.permissions import STAFF_ROLES, project_for_role
from review.models import Cause, DecisionAction, ReviewDecision


def guideline_gap_list(
    *, user: AbstractBaseUser, project_id: int, limit: int = 100
) -> list[ReviewDecision]:
    """Latest final decisions with cause "guideline gap": material for the next guideline."""
    project = project_for_role(user, project_id, STAFF_ROLES)
    return list(
        ReviewDecision.objects.filter(
            project=project, action=DecisionAction.FINAL, cause=Cause.GUIDELINE_GAP
        )
        .select_related("item", "reviewer")
        .order_by("-id")[:limit]
    )
