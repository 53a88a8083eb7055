"""The members page: add people by username or email, change or remove roles, per-member figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from frontend.views.lead.access import project_page
from frontend.views.lead.invites import invite_rows
from frontend.views.lead.members_figures import MAX_AGE_S, members_figures
from labeling.choices import Role
from labeling.exceptions import AccordError
from labeling.selectors_members import (
    membership_get_or_none,
    membership_list_by_role,
    project_has_other_lead,
    user_find,
)
from labeling.services import membership_remove, membership_set
from review.selectors.figures import agreement_by_username

if TYPE_CHECKING:
    from labeling.models import Membership, Project


@project_page()
def members_page(request: HttpRequest, project: Project) -> HttpResponse:
    """List members with their figures; POST adds a member (username or email + role)."""
    error = ""
    if request.method == "POST":
        error = _add(request, project)
        if not error:
            return redirect("lead-members", project_id=project.pk)
    found = members_figures(project)  # computed now, or a worker's last count on large projects
    agreement = agreement_by_username(project)
    rows = [
        {
            "membership": membership,
            "figures": found["members"].get(membership.user_id, {}),
            "agreement": agreement.get(membership.user.get_username()),
            "gold": found["gold"].get(membership.user_id),
        }
        for membership in membership_list_by_role(project=project)
    ]
    context = {
        "project": project,
        "rows": rows,
        "figures_at": found["at"],
        "figures_counting": found["counting"],
        "figures_refreshing": found["refreshing"],
        "max_age_s": MAX_AGE_S,
        "roles": Role.choices,
        "invites": invite_rows(request, project),
        "error": error,
        "who": request.POST.get("who", "") if error else "",
    }
    return render(request, "lead/members.html", context, status=400 if error else 200)


def _add(request: HttpRequest, project: Project) -> str:
    """Add the named user; returns an error message ('' on success)."""
    who = request.POST.get("who", "").strip()
    role = request.POST.get("role", Role.ANNOTATOR)
    user = user_find(who=who)
    if user is None:
        return (
            f"No user with the username or email {who!r}." if who else "Enter a username or email."
        )
    try:
        membership_set(project=project, user=user, role=role)
    except AccordError as problem:
        return problem.message
    messages.success(request, f"{user.get_username()} is now a {role} of the project.")
    return ""


@require_POST
@project_page()
def member_change(request: HttpRequest, project: Project, membership_id: int) -> HttpResponse:
    """Change a member's role, or remove them (the last lead stays)."""
    membership = membership_get_or_none(project=project, membership_id=membership_id)
    if membership is None:
        raise Http404("No such member")
    try:
        if request.POST.get("remove"):
            membership_remove(project=project, user=membership.user)
            messages.success(request, f"{membership.user.get_username()} was removed.")
        else:
            _change_role(project, membership, request.POST.get("role", ""))
            messages.success(request, f"{membership.user.get_username()}'s role was changed.")
    except AccordError as problem:
        messages.error(request, problem.message)
    return redirect("lead-members", project_id=project.pk)


def _change_role(project: Project, membership: Membership, role: str) -> None:
    others_lead = project_has_other_lead(project=project, membership_id=membership.pk)
    if membership.role == Role.LEAD and role != Role.LEAD and not others_lead:
        raise AccordError("A project must keep at least one lead")
    membership_set(project=project, user=membership.user, role=role)
