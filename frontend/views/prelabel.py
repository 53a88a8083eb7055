"""The pre-labeling page for leads: start a job, watch it (htmx polling), cancel it, read
model versions (cv accuracy, accuracy on settled items, acceptance) and the anchoring check,
and set up the model server (frontend.views.prelabel_server) and ask it to train."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from frontend.views.prelabel_server import ModelServerForm, server_form, server_save
from labeling.choices import Role
from labeling.exceptions import AccordError, NotFound, PermissionDenied
from labeling.permissions import project_for_role
from labeling.prelabel import measures, registry, selectors
from labeling.services.model_server import model_server_settings_update, prelabel_public
from labeling.services.model_server_events import model_server_train
from labeling.services.prelabel import SCOPES, prelabel_job_cancel, prelabel_job_start
from labeling.text_fields import project_text_fields
from review.services.model_evidence import model_gate

if TYPE_CHECKING:
    from labeling.models import Project

SCOPE_LABELS = {
    "unlabeled": "Unlabeled items (no annotation yet)",
    "unsettled": "Items without a final label",
    "all": "All items",
}


def _lead_project(request: HttpRequest, project_id: int) -> Project:
    """The project for its lead; 404 for outsiders, 403 for other members."""
    try:
        return project_for_role(request.user, project_id, [Role.LEAD])  # type: ignore[arg-type]
    except NotFound as error:
        raise Http404(error.message) from error
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error


def _job_context(request: HttpRequest, project: Project, job_id: int) -> dict[str, Any]:
    try:
        job = selectors.prelabel_job_get(user=request.user, project_id=project.pk, job_id=job_id)
    except NotFound as error:
        raise Http404(error.message) from error
    return {"project": project, "job": job, "progress": selectors.job_progress(job)}


@login_required
@require_GET
def prelabel_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """Start form, the latest job's live progress, model versions and the anchoring check."""
    project = _lead_project(request, project_id)
    return render(request, "prelabel/page.html", _page_context(request, project, server_form(project)))


def _page_context(request: HttpRequest, project: Project, form: ModelServerForm) -> dict[str, Any]:
    jobs = list(selectors.prelabel_job_list(user=request.user, project_id=project.pk)[:10])
    latest = jobs[0] if jobs else None
    return {
        "project": project,
        "backends": registry.backend_names(project),
        "default_backend": registry.default_backend(project),
        "scopes": [(scope, SCOPE_LABELS[scope]) for scope in SCOPES],
        "job": latest,
        "progress": selectors.job_progress(latest) if latest else None,
        "jobs": jobs,
        "versions": measures.model_version_measures(user=request.user, project_id=project.pk),
        "anchoring": measures.anchoring_comparison(user=request.user, project_id=project.pk),
        "retrain_every": registry.retrain_every(project),
        "server_form": form,
        "server": prelabel_public(project),
        "server_events": selectors.model_server_events_recent(user=request.user, project_id=project.pk),
        "text_fields": ", ".join(project_text_fields(project.settings)),
        "model_skipped": model_gate(project)[1],
    }


@login_required
@require_POST
def prelabel_server_save(request: HttpRequest, project_id: int) -> HttpResponse:
    """Save the model server settings; invalid fields come back with messages beside them."""
    project = _lead_project(request, project_id)
    form = server_save(request, project)
    if form is None:
        return redirect("prelabel", project_id=project.pk)
    project.refresh_from_db()
    context = _page_context(request, project, form)
    return render(request, "prelabel/page.html", context, status=400)


@login_required
@require_POST
def prelabel_text_fields_save(request: HttpRequest, project_id: int) -> HttpResponse:
    """Save which item fields the text model reads (settings.prelabel.text_fields)."""
    project = _lead_project(request, project_id)
    names = [part.strip() for part in request.POST.get("text_fields", "").split(",") if part.strip()]
    try:
        model_server_settings_update(
            project=project, actor=request.user, changes={"text_fields": names or ["text"]}  # type: ignore[arg-type]
        )
    except AccordError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Text fields saved; the next model trains on them.")
    return redirect("prelabel", project_id=project.pk)


@login_required
@require_POST
def prelabel_train(request: HttpRequest, project_id: int) -> HttpResponse:
    """"Train": send START_TRAINING to the project's model server (leads only)."""
    project = _lead_project(request, project_id)
    try:
        model_server_train(project=project, user=request.user)  # type: ignore[arg-type]
    except AccordError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Training requested: START_TRAINING is on its way to the model server.")
    return redirect("prelabel", project_id=project.pk)


@login_required
@require_POST
def prelabel_start(request: HttpRequest, project_id: int) -> HttpResponse:
    """Start a job from the form; errors (no labels yet, job running) come back as messages."""
    project = _lead_project(request, project_id)
    try:
        prelabel_job_start(
            project=project,
            user=request.user,  # type: ignore[arg-type]
            backend=request.POST.get("backend") or None,
            item_filter={"scope": request.POST.get("scope") or "unlabeled"},
        )
    except AccordError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Pre-labeling started.")
    return redirect("prelabel", project_id=project.pk)


@login_required
@require_GET
def prelabel_job_status(request: HttpRequest, project_id: int, job_id: int) -> HttpResponse:
    """The job panel alone (htmx polls it every second while the job is live)."""
    project = _lead_project(request, project_id)
    return render(request, "prelabel/_job.html", _job_context(request, project, job_id))


@login_required
@require_POST
def prelabel_job_cancel_view(request: HttpRequest, project_id: int, job_id: int) -> HttpResponse:
    """Cancel the job; htmx swaps the panel, a plain form post goes back to the page."""
    project = _lead_project(request, project_id)
    context = _job_context(request, project, job_id)
    context["job"] = prelabel_job_cancel(job=context["job"], user=request.user)  # type: ignore[arg-type]
    context["progress"] = selectors.job_progress(context["job"])
    if getattr(request, "htmx", False):
        return render(request, "prelabel/_job.html", context)
    return redirect("prelabel", project_id=project.pk)
