"""The pre-label page's model server section (leads): its settings form and the Train button.

The password and token fields are write-only: they are never filled in from the stored value
(left empty they keep it; "Clear the stored secret" removes it). Errors from the service
come back beside their fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from labeling.exceptions import SchemaError
from labeling.prelabel.server_config import AUTH_KINDS, DEFAULT_BATCH_SIZE, DEFAULT_TIMEOUT
from labeling.services.model_server import model_server_settings_update, prelabel_public

if TYPE_CHECKING:
    from labeling.models import Project

AUTH_LABELS = {"none": "None", "basic": "Basic (user and password)", "bearer": "Bearer token"}


class ModelServerForm(forms.Form):
    url = forms.CharField(
        label="Model server URL", required=False, max_length=500,
        help_text="A Label Studio ML backend, e.g. http://127.0.0.1:9090. Empty: none.",
    )  # fmt: skip
    auth = forms.ChoiceField(label="Authentication", choices=[(k, AUTH_LABELS[k]) for k in AUTH_KINDS])
    username = forms.CharField(label="User name (basic auth)", required=False, max_length=150)
    password = forms.CharField(
        label="Password (basic auth)", required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Write-only: leave empty to keep the stored one.",
    )  # fmt: skip
    token = forms.CharField(
        label="Bearer token", required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="Write-only: leave empty to keep the stored one.",
    )  # fmt: skip
    clear_secret = forms.BooleanField(label="Clear the stored password or token", required=False)
    timeout = forms.CharField(label="Timeout (seconds)", help_text="Per request; default 100.")
    batch_size = forms.CharField(label="Batch size", help_text="Items per /predict request.")
    train_on_annotation = forms.BooleanField(
        label="Send each new or changed annotation (the server may train on it)", required=False
    )


def server_form(project: Project, data: Any = None) -> ModelServerForm:
    """The form, bound to `data` or filled from the project's settings (never the secret)."""
    if data is not None:
        return ModelServerForm(data)
    public = prelabel_public(project)
    return ModelServerForm(
        initial={
            "url": public.get("url", ""),
            "auth": public.get("auth", "none"),
            "username": public.get("username", ""),
            "timeout": f"{float(public.get('timeout', DEFAULT_TIMEOUT)):g}",
            "batch_size": public.get("batch_size", DEFAULT_BATCH_SIZE),
            "train_on_annotation": public.get("train_on_annotation", True),
        }
    )


def changes_of(form: ModelServerForm) -> dict[str, Any]:
    """The settings.prelabel change a valid form asks for (secrets only when typed or cleared)."""
    data = form.cleaned_data
    changes: dict[str, Any] = {
        key: data[key] for key in ("url", "auth", "username", "timeout", "batch_size", "train_on_annotation")
    }
    for key in ("password", "token"):
        if data[key]:
            changes[key] = data[key]
        elif data["clear_secret"]:
            changes[key] = ""
    return changes


def server_save(request: HttpRequest, project: Project) -> ModelServerForm | None:
    """Save the posted form; None when saved, else the form carrying the errors by field."""
    form = server_form(project, request.POST)
    if not form.is_valid():
        return form
    try:
        model_server_settings_update(project=project, actor=request.user, changes=changes_of(form))  # type: ignore[arg-type]
    except SchemaError as error:
        fields = (error.details or {}).get("fields") if isinstance(error.details, dict) else None
        for field, message in (fields or {"url": error.message}).items():
            form.add_error(field if field in form.fields else None, message)
        return form
    messages.success(request, "Model server settings saved.")
    return None

