"""Pages of the guidelines area. The ack page and the side panel are linked from the annotate page."""

from django.urls import path

from frontend.nav import register_project_link
from frontend.views import guidelines as views

PREFIX = "projects/<int:project_id>/guideline/"

urlpatterns = [
    path(PREFIX, views.guideline_page, name="guideline"),
    path(f"{PREFIX}ack/", views.guideline_ack, name="guideline_ack"),
    path(f"{PREFIX}panel/", views.guideline_panel, name="guideline_panel"),
    path(f"{PREFIX}versions/", views.guideline_versions, name="guideline_versions"),
    path(f"{PREFIX}diff/", views.guideline_diff, name="guideline_diff"),
    path(f"{PREFIX}edit/", views.guideline_edit, name="guideline_edit"),
    path(f"{PREFIX}preview/", views.guideline_preview, name="guideline_preview"),
    path(f"{PREFIX}stale/", views.guideline_stale, name="guideline_stale"),
    path(f"{PREFIX}gaps/", views.guideline_gaps, name="guideline_gaps"),
]

register_project_link(
    label="Guideline",
    url_name="guideline",
    roles={"annotator", "reviewer", "lead"},
    order=50,
    sub_pages={
        "guideline_ack",
        "guideline_versions",
        "guideline_diff",
        "guideline_edit",
        "guideline_stale",
        "guideline_gaps",
    },
)
