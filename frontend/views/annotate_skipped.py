"""The annotator's "Skipped" list: items they skipped, each one reopened on request."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from frontend.views.access import member_page
from labeling.exceptions import AccordError
from labeling.permissions import project_for_role
from labeling.selectors_annotator import skipped_list
from labeling.services.skipped import skipped_reclaim


@member_page
def skipped_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """My skipped items in the project, newest skip first, each with a "Label it now" button."""
    project = project_for_role(request.user, project_id)
    rows = skipped_list(user=request.user, project_id=project.pk)
    return render(request, "annotate/skipped.html", {"project": project, "rows": rows})


@require_POST
@member_page
def skipped_reopen(request: HttpRequest, project_id: int, item_id: int) -> HttpResponse:
    """Lease the chosen item again and open the labeling screen on it."""
    try:
        skipped_reclaim(project_id=project_id, user=request.user, item_id=item_id)
    except AccordError as error:
        if error.status_code == 404:
            raise
        messages.error(request, error.message)
        return redirect("annotate_skipped", project_id=project_id)
    return redirect("annotate", project_id=project_id)
