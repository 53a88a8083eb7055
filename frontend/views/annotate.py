"""Pages of the annotator's day: the labeling screen, my history, and editing one annotation.

The labeling screen is a shell: annotate.js talks to the JSON API (next, submit, skip,
progress) and renders items client-side with textContent. History and edit are plain
server-rendered pages that call the labeling services and the review.selectors modules.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from config.csp import allow_images_from
from frontend.views.region_config import REGION_KINDS, region_item, region_labels
from guidelines.markdown import project_image_hosts
from labeling.exceptions import AccordError, NotFound
from labeling.permissions import project_for_role
from labeling.selectors_annotator import annotation_history_list, annotation_own_get_or_none
from labeling.selectors_members import membership_get
from labeling.services.annotations import annotation_edit
from labeling.values import value_labels, value_text
from review.selectors.outcomes import annotation_outcomes

if TYPE_CHECKING:
    from labeling.models import Annotation, Project

HISTORY_PAGE_SIZE = 50


def _project(request: HttpRequest, project_id: int) -> Project:
    """The project if the user is a member (any role may annotate), else 404."""
    try:
        return project_for_role(request.user, project_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _screen_config(project: Project) -> dict[str, Any]:
    """What annotate.js needs: the schema's labels and hotkeys, and the API paths."""
    schema = project.schema
    scale = schema.get("scale") or {}
    return {
        "project": project.pk,
        "kind": project.kind,
        "data": project.data_type,
        "labels": region_labels(project),
        "scale": {"min": scale.get("min"), "max": scale.get("max")} if scale else None,
        "urls": {
            "next": reverse("api-next", kwargs={"project_id": project.pk}),
            "progress": reverse("api-progress", kwargs={"project_id": project.pk}),
            "assignment": "/api/assignments/",
            "ack": f"/projects/{project.pk}/guideline/ack/",
            "history": reverse("annotate_history", kwargs={"project_id": project.pk}),
            "login": reverse("login"),
        },
    }


@login_required
def annotate_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """The labeling screen; members who must acknowledge a new guideline go to its ack page."""
    project = _project(request, project_id)
    membership = membership_get(project=project, user=request.user)  # type: ignore[arg-type]
    if membership.acknowledged_version < project.guideline_version:
        return redirect(f"/projects/{project.pk}/guideline/ack/")
    allow_images_from(request, project_image_hosts(project))  # the guideline side panel
    context = {
        "project": project,
        "config": _screen_config(project),
        "panel_url": f"/projects/{project.pk}/guideline/panel/",
    }
    return render(request, "annotate/page.html", context)


def _history_rows(request: HttpRequest, annotations: list[Annotation]) -> list[dict[str, Any]]:
    outcomes = annotation_outcomes(user=request.user, annotation_ids=[a.pk for a in annotations])
    rows = []
    for annotation in annotations:
        outcome = outcomes.get(annotation.pk)
        if outcome is None:
            status = "pending"
        elif outcome["corrected"]:
            status = f"corrected to {value_text(outcome['final_value'])}"
        else:
            status = outcome["verdict"] or "accepted"
        rows.append(
            {
                "annotation": annotation,
                "text": str((annotation.item.data or {}).get("text", "")),
                "label": value_text(annotation.value),
                "outcome": status,
                "comment": (outcome or {}).get("comment", ""),
                "editable": annotation.item.final_value is None,
            }
        )
    return rows


@login_required
def history_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """My annotations in the project, newest first, with the review outcome of each."""
    project = _project(request, project_id)
    annotations = annotation_history_list(project=project, user=request.user)  # type: ignore[arg-type]
    page = Paginator(annotations, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"project": project, "page": page, "rows": _history_rows(request, list(page))}
    return render(request, "annotate/history.html", context)


def _posted_value(project: Project, request: HttpRequest) -> dict[str, Any]:
    """The label value from the edit form, shaped for the schema's kind (validated later).

    Spans and boxes come as the JSON the regions component writes into the form's `value`
    field; text that is not JSON goes on as a string, which the validator refuses.
    """
    if project.kind in REGION_KINDS:
        raw = request.POST.get("value", "")
        try:
            return json.loads(raw)  # type: ignore[no-any-return]
        except ValueError:
            return raw  # type: ignore[return-value]
    if project.kind == "multi":
        return {"labels": request.POST.getlist("labels")}
    if project.kind == "rating":
        raw = request.POST.get("rating", "")
        return {"rating": int(raw) if raw.lstrip("-").isdigit() else raw}
    return {"label": request.POST.get("label", "")}


def _edit_context(project: Project, annotation: Annotation, *, error: str, shown: Any) -> dict[str, Any]:
    """The edit page's context: the form's options, or the regions component's config and value."""
    scale = project.schema.get("scale") or {}
    return {
        "project": project,
        "annotation": annotation,
        "labels": project.schema.get("labels", []),
        "ratings": range(scale["min"], scale["max"] + 1) if scale else [],
        "selected": set(value_labels(annotation.value)),
        "error": error,
        "editable": annotation.item.final_value is None,
        "regions": project.kind in REGION_KINDS,
        "config": {**_screen_config(project), "item": region_item(annotation.item)},
        "value": shown,
    }


@login_required
@require_http_methods(["GET", "POST"])
def annotation_edit_page(request: HttpRequest, project_id: int, annotation_id: int) -> HttpResponse:
    """Reopen one of my annotations and change it, while the item is unsettled."""
    project = _project(request, project_id)
    annotation = annotation_own_get_or_none(
        project=project, user=request.user, annotation_id=annotation_id  # type: ignore[arg-type]
    )
    if annotation is None:
        raise Http404("No such annotation")
    error, shown = "", annotation.value
    # The labeling screen's "previous" key opens this page with ?from=annotate: back to labeling.
    back_to = "annotate" if request.GET.get("from") == "annotate" else "annotate_history"
    back = reverse(back_to, kwargs={"project_id": project.pk})
    if request.method == "POST":
        posted = _posted_value(project, request)
        try:
            annotation_edit(
                annotation_id=annotation.pk,
                user=request.user,
                value=posted,
                unsure=request.POST.get("unsure") == "on",
                comment=request.POST.get("comment", ""),
            )
        except AccordError as failure:
            error = failure.message
            # Spans and boxes: redraw what was posted, so the mistake can be fixed in place.
            shown = posted if isinstance(posted, dict) else shown
        else:
            messages.success(request, "Your annotation was updated.")
            return redirect(back)
    context = {**_edit_context(project, annotation, error=error, shown=shown), "back": back,
               "from_annotate": back_to == "annotate"}
    return render(request, "annotate/edit.html", context, status=400 if error else 200)
