"""Archive, unarchive and delete a project from its settings page (leads only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from frontend.views.lead.access import project_page
from labeling.exceptions import AccordError
from labeling.selectors_counts import project_progress_counts
from labeling.services import project_archive, project_delete_request

if TYPE_CHECKING:
    from labeling.models import Project


@require_POST
@project_page()
def project_archive_toggle(request: HttpRequest, project: Project) -> HttpResponse:
    """POST archived=1 archives, archived=0 unarchives."""
    archived = request.POST.get("archived") == "1"
    try:
        project_archive(project=project, actor=request.user, archived=archived)  # type: ignore[arg-type]
    except AccordError as error:
        messages.error(request, error.message)
    else:
        word = "archived: it is read-only and hidden from the home page" if archived else "unarchived"
        messages.success(request, f"{project.name} {word}.")
    return redirect("lead-settings", project_id=project.pk)


@require_http_methods(["GET", "POST"])
@project_page()
def project_delete(request: HttpRequest, project: Project) -> HttpResponse:
    """GET: the confirmation form. POST confirm=<the project's name>: delete in the background."""
    error = None
    if request.method == "POST":
        try:
            count = project_delete_request(
                project=project, actor=request.user, confirm=request.POST.get("confirm", "")  # type: ignore[arg-type]
            )
        except AccordError as failure:
            error = failure.message
        else:
            messages.success(request, f"{project.name} is deleted; its {count:,} items are removed in the background.")
            return redirect("home")
    context = {
        "project": project,
        "error": error,
        "items": project_progress_counts(project)["total"],  # the counters: no scan
        "typed": request.POST.get("confirm", ""),
    }
    return render(request, "lead/project_delete.html", context, status=400 if error else 200)
