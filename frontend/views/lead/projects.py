"""Create a project and edit its settings (labels, overlap, policies, flag thresholds)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from frontend.views.access import member_page
from frontend.views.lead.access import project_page
from frontend.views.lead.forms import (
    LabelFormSet,
    ProjectForm,
    field_of,
    initial_for,
    labels_from_formset,
    palette_colour,
    setting_initial,
)
from labeling.exceptions import AccordError, Conflict
from labeling.permissions import require_project_creator
from labeling.project_settings import SETTINGS
from labeling.selectors_projects import project_has_annotations, project_settings_change_list
from labeling.services import project_create_configured, project_settings_update
from review.services.model_evidence import model_note

if TYPE_CHECKING:
    from labeling.models import Project

NEW_PROJECT_INITIAL = {
    "kind": "single",
    "data_type": "text",
    **setting_initial({setting.name: setting.default for setting in SETTINGS}),
}
AUDIT_SHOWN = 20  # settings changes listed on the settings page, newest first


@member_page
def project_new(request: HttpRequest) -> HttpResponse:
    """Users with the site permission to create projects (403 otherwise) become the lead."""
    require_project_creator(request.user)
    blank_rows = [{"color": palette_colour(index)} for index in range(2)]
    form, formset = _bound(request, NEW_PROJECT_INITIAL, blank_rows)
    if request.method == "POST" and form.is_valid():
        try:
            project = project_create_configured(actor=request.user, **_service_args(form))  # type: ignore[arg-type]
        except AccordError as error:
            _attach(form, error)
        else:
            messages.success(request, f"Project {project.name} created. Add data next.")
            return redirect("lead-data", project_id=project.pk)
    return _render(request, form, formset, None)


@project_page()
def project_settings(request: HttpRequest, project: Project) -> HttpResponse:
    """Edit the settings; renamed labels are rewritten in every stored value."""
    initial, rows = initial_for(project)
    form, formset = _bound(request, initial, rows)
    if request.method == "POST" and form.is_valid():
        _, renames = labels_from_formset(formset)
        args = _service_args(form)
        args["schema"] = _merge_settings(project.settings, args["schema"])
        try:
            project_settings_update(project=project, actor=request.user, renames=renames, **args)  # type: ignore[arg-type]
        except AccordError as error:
            _attach(form, error)
        else:
            messages.success(request, "Settings saved.")
            return redirect("lead-settings", project_id=project.pk)
    return _render(request, form, formset, project)


def _bound(
    request: HttpRequest, initial: dict[str, Any], rows: list[dict[str, Any]]
) -> tuple[ProjectForm, Any]:
    if request.method != "POST":
        return ProjectForm(initial=initial), LabelFormSet(initial=rows, prefix="labels")
    formset = LabelFormSet(request.POST, prefix="labels")
    labels, _ = labels_from_formset(formset) if formset.is_valid() else ([], {})
    return ProjectForm(request.POST, labels=labels), formset


def _service_args(form: ProjectForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "description": data["description"],
        "schema": form.schema,
        "values": form.setting_values(),
    }


def _merge_settings(stored: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Keep settings this form does not show (set by other features, such as the model
    server's); the form's settings are written over them by name in the service."""
    return {**schema, "settings": {**stored, **schema["settings"]}}


def _changes(project: Project | None) -> list[dict[str, Any]]:
    """The latest settings changes, each as rows of (setting, old, new)."""
    if project is None:
        return []
    entries = project_settings_change_list(project=project, limit=AUDIT_SHOWN)
    return [
        {
            "entry": entry,
            "rows": [
                (key, (entry.before or {}).get(key), value)
                for key, value in (entry.after or {}).items()
            ],
        }
        for entry in entries
    ]


def _attach(form: ProjectForm, error: AccordError) -> None:
    """Show a service error beside its field (from details, the message or the error type)."""
    details = error.details if isinstance(error.details, dict) else {}
    for name, message in (details.get("fields") or {}).items():
        if name in form.fields and name != details.get("field"):
            form.add_error(name, message)
    field = details.get("field") or ("name" if isinstance(error, Conflict) else None)
    if field in (None, "__all__", "labels") or field not in form.fields:
        field = field_of(error.message) if field is None else None
    form.add_error(field, error.message)


def _render(
    request: HttpRequest, form: ProjectForm, formset: Any, project: Project | None
) -> HttpResponse:
    locked = bool(project and project_has_annotations(project=project))
    context = {
        "form": form,
        "formset": formset,
        "project": project,
        "labels_locked": locked,
        "changes": _changes(project),
        "model_note": model_note(project) if project else None,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "lead/project_form.html", context, status=status)
