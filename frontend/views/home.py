"""The home page: the user's projects with their own progress in each."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontend.nav import project_links
from labeling import assignment
from labeling.models import Membership
from labeling.permissions import can_create_projects


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """List my projects with my role, my done count and what remains for me."""
    memberships = (
        Membership.objects.filter(user=request.user).select_related("project").order_by("project__name")
    )
    rows = []
    for membership in memberships:
        project = membership.project
        done = project.annotations.filter(annotator=request.user).count()
        # The engine's own count: items it could still hand me (same rule as "next").
        remaining = assignment.remaining_count(project=project, user=request.user)
        total = done + remaining
        rows.append(
            {
                "membership": membership,
                "project": project,
                "done": done,
                "remaining": remaining,
                "percent": round(100 * done / total) if total else 100,
                "links": project_links(project_id=project.pk, role=membership.role),
            }
        )
    context = {"rows": rows, "can_create_projects": can_create_projects(request.user)}
    return render(request, "frontend/home.html", context)
