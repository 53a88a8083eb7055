"""Upload a file to import: it becomes an import job that the data page polls."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontend.views.lead.access import project_page
from labeling.exceptions import AccordError
from labeling.services.imports import import_job_create

if TYPE_CHECKING:
    from labeling.models import Project


@require_POST
@project_page()
def import_upload(request: HttpRequest, project: Project) -> HttpResponse:
    """Start an import job from the uploaded file, then show the data page polling it."""
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose a file to upload.")
        return redirect("lead-data", project_id=project.pk)
    try:
        job = import_job_create(
            project=project, upload=upload, user=request.user, fmt=request.POST.get("format") or "auto",  # type: ignore[arg-type]
            replace=request.POST.get("replace") == "1",
        )
    except AccordError as error:
        messages.error(request, error.message)
        return redirect("lead-data", project_id=project.pk)
    return redirect(f"{reverse('lead-data', kwargs={'project_id': project.pk})}?job={job.pk}")
