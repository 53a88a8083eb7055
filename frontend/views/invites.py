"""The invite page: whoever opens a valid link joins its project, with a new or their account."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from labeling.exceptions import AccordError
from labeling.services.invites import (
    InviteInvalid,
    invite_accept,
    invite_accept_new_user,
    invite_for_token,
)

if TYPE_CHECKING:
    from labeling.models import Membership


def invite_accept_page(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what the link offers. POST: join (logged in) or create an account and join."""
    try:
        invite = invite_for_token(token)
    except InviteInvalid as problem:
        return render(request, "account/invite.html", {"invalid": problem.message}, status=410)
    context = {"invite": invite, "token": token, "error": "", "field": "", "username": ""}
    if request.method == "POST":
        try:
            membership = _accept(request, token)
        except AccordError as problem:
            details = problem.details if isinstance(problem.details, dict) else {}
            context.update(error=problem.message, field=details.get("field", ""))
            context["username"] = request.POST.get("username", "")
        else:
            project = membership.project
            messages.success(
                request,
                f"Welcome to {project.name}: you joined as {membership.get_role_display().lower()}.",
            )
            return redirect("home")
    status = 400 if context["error"] else 200
    return render(request, "account/invite.html", context, status=status)


def _accept(request: HttpRequest, token: str) -> Membership:
    """Accept as the logged-in user, or create the account from the form and log it in."""
    if request.user.is_authenticated:
        return invite_accept(token=token, user=request.user)
    password = request.POST.get("password", "")
    if password != request.POST.get("password2", ""):
        raise AccordError("The two passwords differ", details={"field": "password2"})
    membership = invite_accept_new_user(
        token=token, username=request.POST.get("username", ""), password=password
    )
    login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
    return membership
