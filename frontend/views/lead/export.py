"""The export page: pick a format and what to include; the download streams from the export API."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from frontend.views.lead.access import project_page
from labeling.models import Project

FORMATS = (("jsonl", "JSON Lines"), ("json", "JSON array"), ("csv", "CSV (long form)"))
INCLUDES = (
    ("all", "All annotations"),
    ("aggregate", "Aggregated labels"),
    ("final", "Final labels only"),
)


@project_page()
def export_page(request: HttpRequest, project: Project) -> HttpResponse:
    """A GET form aimed at /api/projects/{id}/export (session auth; the response streams)."""
    context = {
        "project": project,
        "formats": FORMATS,
        "includes": INCLUDES,
        "action": reverse("api-export", kwargs={"project_id": project.pk}),
    }
    return render(request, "lead/export.html", context)
