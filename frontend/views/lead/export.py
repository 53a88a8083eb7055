"""The export page: pick a format and what to include; the download streams from the export API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from frontend.views.lead.access import project_page
from labeling.exporters.catalogue import FORMATS

if TYPE_CHECKING:
    from labeling.models import Project

INCLUDES = (
    ("all", "All annotations"),
    ("aggregate", "Aggregated labels"),
    ("final", "Final labels only"),
)
SOURCES = (
    ("settled", "Final label if settled, else the aggregate"),
    ("final", "Final labels only"),
    ("aggregate", "Aggregated labels only"),
    ("annotators", "Each annotator's labels (not YOLO)"),
)


@project_page()
def export_page(request: HttpRequest, project: Project) -> HttpResponse:
    """A GET form aimed at /api/projects/{id}/export (session auth; the response streams).

    It offers the formats that fit the project's kind (CoNLL and spaCy for spans, COCO and
    YOLO for boxes), and the value source when one of those exists.
    """
    formats = [
        (f.name, f.title) for f in FORMATS.values() if not f.kinds or project.kind in f.kinds
    ]
    training = any(f.sources and project.kind in f.kinds for f in FORMATS.values())
    context = {
        "project": project,
        "formats": formats,
        "includes": INCLUDES,
        "sources": SOURCES if training else (),
        "action": reverse("api-export", kwargs={"project_id": project.pk}),
    }
    return render(request, "lead/export.html", context)
