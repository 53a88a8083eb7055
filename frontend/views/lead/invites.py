"""Lead actions on the members page: invite links (create, revoke) and creating an account."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontend.views.lead.access import project_page
from labeling import selectors
from labeling.exceptions import AccordError
from labeling.services.invites import invite_create, invite_revoke, invite_token
from labeling.services.people import member_create

if TYPE_CHECKING:
    from labeling.models import Project


def _a(role: str) -> str:
    """'an annotator', 'a reviewer', 'a lead'."""
    return f"{'an' if role[:1] in 'aeiou' else 'a'} {role}"


def invite_rows(request: HttpRequest, project: Project) -> list[dict[str, object]]:
    """Open invites of the project with their absolute links, for the members page."""
    invites = selectors.invite_list_open(user=request.user, project_id=project.pk)  # type: ignore[arg-type]
    return [
        {
            "invite": invite,
            "url": request.build_absolute_uri(
                reverse("invite-accept", args=[invite_token(invite)])
            ),
        }
        for invite in invites
    ]


@require_POST
@project_page()
def invite_new(request: HttpRequest, project: Project) -> HttpResponse:
    """Create an invite link for a role; it is listed on the members page to copy."""
    try:
        invite, _ = invite_create(
            project=project,
            actor=request.user,  # type: ignore[arg-type]
            role=request.POST.get("role", ""),
            note=request.POST.get("note", ""),
        )
    except AccordError as problem:
        messages.error(request, problem.message)
    else:
        expires = invite.expires_at.strftime("%Y-%m-%d %H:%M UTC")
        messages.success(
            request, f"Invite link for {_a(invite.role)} created; valid until {expires}."
        )
    return redirect(reverse("lead-members", args=[project.pk]) + "#invites")


@require_POST
@project_page()
def invite_withdraw(request: HttpRequest, project: Project, invite_id: int) -> HttpResponse:
    """Revoke an open invite: its link stops working at once."""
    try:
        invite_revoke(project=project, invite_id=invite_id, actor=request.user)  # type: ignore[arg-type]
    except AccordError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, "Invite revoked.")
    return redirect(reverse("lead-members", args=[project.pk]) + "#invites")


@require_POST
@project_page()
def member_new_account(request: HttpRequest, project: Project) -> HttpResponse:
    """Create an account (username, password) and add it to the project with a role."""
    try:
        membership = member_create(
            project=project,
            username=request.POST.get("username", ""),
            password=request.POST.get("password", ""),
            role=request.POST.get("role", ""),
        )
    except AccordError as problem:
        messages.error(request, f"Account not created: {problem.message}")
    else:
        name = membership.user.get_username()
        messages.success(request, f"Account {name} created and added as {_a(membership.role)}.")
    return redirect("lead-members", project_id=project.pk)
