"""The site people page (site administrators, is_staff): every account, who may create
projects, and a form to create an account."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontend.views.access import member_page
from labeling import selectors
from labeling.choices import Role
from labeling.exceptions import AccordError, PermissionDenied
from labeling.permissions import PROJECT_CREATOR_PERMISSION
from labeling.selectors_members import user_get_or_none
from labeling.services.invites import invite_create
from labeling.services.people import account_create, project_creator_set

NEW_INVITE = "accord.site_invite"  # session slot: the link just made, shown once on the page


@member_page
def site_people_page(request: HttpRequest) -> HttpResponse:
    """List accounts (403 unless staff); POST creates one, optionally allowed to create projects."""
    users = selectors.user_list_for_site(user=request.user)  # type: ignore[arg-type]
    error, field = "", ""
    if request.method == "POST":
        try:
            user = account_create(
                actor=request.user,  # type: ignore[arg-type]
                username=request.POST.get("username", ""),
                password=request.POST.get("password", ""),
                email=request.POST.get("email", ""),
                may_create_projects=bool(request.POST.get("creator")),
            )
        except AccordError as problem:
            error = problem.message
            field = (
                (problem.details or {}).get("field", "")
                if isinstance(problem.details, dict)
                else ""
            )
        else:
            messages.success(request, f"Account {user.get_username()} created.")
            return redirect("site-people")
    rows = [{"user": user, "creator": _is_creator(user)} for user in users]
    context = {
        "rows": rows,
        "error": error,
        "field": field,
        "form": request.POST if error else {},
        "projects": selectors.project_list_for_site(user=request.user),  # type: ignore[arg-type]
        "roles": Role.choices,
        "new_invite": request.session.pop(NEW_INVITE, None),
    }
    return render(request, "people/site.html", context, status=400 if error else 200)


def _is_creator(user: object) -> bool:
    """From the prefetched permissions (no query per row); superusers may always."""
    if getattr(user, "is_superuser", False):
        return True
    app_label, codename = PROJECT_CREATOR_PERMISSION.split(".")
    return any(
        p.codename == codename and p.content_type.app_label == app_label
        for p in user.user_permissions.all()  # type: ignore[attr-defined]
    )


@require_POST
@member_page
def project_creator_toggle(request: HttpRequest, user_id: int) -> HttpResponse:
    """Grant (allowed=1) or withdraw the permission to create projects; staff only."""
    if not (request.user.is_active and getattr(request.user, "is_staff", False)):
        raise PermissionDenied("This needs a site administrator")
    user = user_get_or_none(user_id=user_id)
    if user is None:
        raise Http404("No such account")
    allowed = request.POST.get("allowed") == "1"
    project_creator_set(user=user, allowed=allowed, actor=request.user)  # type: ignore[arg-type]
    verb = "may now" if allowed else "may no longer"
    messages.success(request, f"{user.get_username()} {verb} create projects.")
    return redirect("site-people")


@require_POST
@member_page
def site_invite(request: HttpRequest) -> HttpResponse:
    """A site administrator makes an invite link to any project (staff only)."""
    project = selectors.project_get_for_site(
        user=request.user,  # type: ignore[arg-type]
        project_id=request.POST.get("project") or 0,
    )
    if project is None:
        raise Http404("No such project")
    try:
        invite, token = invite_create(
            project=project,
            actor=request.user,
            role=request.POST.get("role", ""),  # type: ignore[arg-type]
        )
    except AccordError as problem:
        messages.error(request, problem.message)
        return redirect("site-people")
    request.session[NEW_INVITE] = {
        "url": request.build_absolute_uri(reverse("invite-accept", args=[token])),
        "project": project.name,
        "role": invite.role,
        "expires": invite.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
    }
    return redirect("site-people")
