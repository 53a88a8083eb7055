"""Pages of the pre-labeling area (leads): start, watch and cancel jobs; model versions."""

from django.urls import path

from frontend.nav import register_project_link
from frontend.views import prelabel

urlpatterns = [
    path("projects/<int:project_id>/prelabel/", prelabel.prelabel_page, name="prelabel"),
    path(
        "projects/<int:project_id>/prelabel/start/", prelabel.prelabel_start, name="prelabel-start"
    ),
    path(
        "projects/<int:project_id>/prelabel/server/",
        prelabel.prelabel_server_save,
        name="prelabel-server",
    ),
    path("projects/<int:project_id>/prelabel/train/", prelabel.prelabel_train, name="prelabel-train"),
    path(
        "projects/<int:project_id>/prelabel/jobs/<int:job_id>/",
        prelabel.prelabel_job_status,
        name="prelabel-job",
    ),
    path(
        "projects/<int:project_id>/prelabel/jobs/<int:job_id>/cancel/",
        prelabel.prelabel_job_cancel_view,
        name="prelabel-job-cancel",
    ),
]

register_project_link(label="Pre-label", url_name="prelabel", roles={"lead"}, order=62)
