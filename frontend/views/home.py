"""The home page: the user's projects, each with the actions that matter for their role."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontend.nav import home_actions
from labeling.assignment import engine as assignment
from labeling.permissions import can_create_projects
from labeling.selectors import item_count_capped
from labeling.selectors_annotator import annotation_count_own
from labeling.selectors_members import (
    membership_archived_count,
    membership_list_deleting,
    membership_list_for_home,
)
from review.selectors.queue import open_review_count

if TYPE_CHECKING:
    from labeling.models import Membership

ITEMS_CAP = 1_000


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """List my projects with my role, my progress and my role's main actions.

    Archived projects are left out unless ?archived=1 ("Show archived").
    """
    show_archived = request.GET.get("archived") == "1"
    archived_count = membership_archived_count(user=request.user)  # type: ignore[arg-type]
    memberships = membership_list_for_home(user=request.user, archived=show_archived)  # type: ignore[arg-type]
    rows = [_row(request, membership) for membership in memberships]
    deleting = membership_list_deleting(user=request.user)  # type: ignore[arg-type]
    context = {
        "deleting": [
            {"name": m.project.name, "left": item_count_capped(project=m.project, cap=ITEMS_CAP)} for m in deleting
        ],
        "rows": rows,
        "can_create_projects": can_create_projects(request.user),
        "show_archived": show_archived,
        "archived_count": archived_count,
    }
    return render(request, "frontend/home.html", context)


def _row(request: HttpRequest, membership: Membership) -> dict[str, Any]:
    """One project card: my progress, and the review queue size for reviewers and leads."""
    project, role = membership.project, membership.role
    done = annotation_count_own(project=project, user=request.user)  # type: ignore[arg-type]
    # The engine's own count: items it could still hand me (same rule as "next").
    # Counted no further than REMAINING_CAP + 1 (shown "1,000+"): a page view never scans a project.
    remaining = assignment.remaining_count(project=project, user=request.user)
    more = remaining > assignment.REMAINING_CAP
    remaining = min(remaining, assignment.REMAINING_CAP)
    total = done + remaining
    actions = home_actions(project_id=project.pk, role=role)
    open_reviews: int | str | None = None
    items_text = ""
    if role == "lead":  # counted no further than ITEMS_CAP: a page view never scans a project
        count = item_count_capped(project=project, cap=ITEMS_CAP)
        items_text = f"more than {ITEMS_CAP:,} items" if count > ITEMS_CAP else f"{count:,} item{'' if count == 1 else 's'}"
    if role in ("reviewer", "lead"):
        waiting = open_review_count(user=request.user, project_id=project.pk, cap=ITEMS_CAP)  # type: ignore[arg-type]
        open_reviews = f"{ITEMS_CAP:,}+" if waiting > ITEMS_CAP else waiting
        for action in actions:
            if action["url_name"] == "review-queue":
                action["label"] = f"Review ({open_reviews} open)"
    return {
        "membership": membership,
        "project": project,
        "done": done,
        "remaining": f"{remaining:,}+" if more else remaining,
        "percent": round(100 * done / total) if total else 100,
        "actions": actions,
        "open_reviews": open_reviews,
        "items_text": items_text,
    }
