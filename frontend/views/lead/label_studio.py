"""Create a project from a Label Studio labeling config (pasted or uploaded XML)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from frontend.views.access import member_page
from labeling.exceptions import AccordError
from labeling.label_studio_config import MAX_CONFIG_CHARS, schema_from_label_studio
from labeling.permissions import require_project_creator
from labeling.services import project_create


@require_POST
@member_page
def project_from_label_studio(request: HttpRequest) -> HttpResponse:
    """Users allowed to create projects (403 otherwise) become the lead; errors go back to the form."""
    require_project_creator(request.user)
    upload = request.FILES.get("config_file")
    try:
        if upload is not None and (upload.size or 0) > MAX_CONFIG_CHARS * 4:
            raise AccordError(f"Label Studio config: over {MAX_CONFIG_CHARS:,} characters")
        config = upload.read().decode("utf-8") if upload is not None else request.POST.get("config", "")
        project = project_create(
            name=request.POST.get("name", ""), schema=schema_from_label_studio(config), created_by=request.user
        )
    except UnicodeDecodeError:
        messages.error(request, "Label Studio config: the file is not UTF-8 text.")
    except AccordError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Project {project.name} created from the Label Studio config. Add data next.")
        return redirect("lead-data", project_id=project.pk)
    return redirect("lead-project-new")
