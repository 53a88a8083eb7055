"""Pages of the annotate area: the labeling screen, my history and editing an annotation."""

from django.urls import path

from frontend.nav import register_project_link
from frontend.views import annotate, annotate_skipped

urlpatterns = [
    path("projects/<int:project_id>/annotate/", annotate.annotate_page, name="annotate"),
    path("projects/<int:project_id>/history/", annotate.history_page, name="annotate_history"),
    path(
        "projects/<int:project_id>/history/<int:annotation_id>/",
        annotate.annotation_edit_page,
        name="annotate_edit",
    ),
    path("projects/<int:project_id>/skipped/", annotate_skipped.skipped_page, name="annotate_skipped"),
    path(
        "projects/<int:project_id>/skipped/<int:item_id>/reopen/",
        annotate_skipped.skipped_reopen,
        name="annotate_skipped_reopen",
    ),
]

register_project_link(
    label="Label", url_name="annotate", roles={"annotator", "reviewer", "lead"}, order=10
)
register_project_link(
    label="My history",
    url_name="annotate_history",
    roles={"annotator", "reviewer", "lead"},
    order=11,
    sub_pages={"annotate_edit", "annotate_skipped"},
)
