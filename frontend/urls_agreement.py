"""Pages of the agreement area: the project's agreement dashboard (reviewers and leads)."""

from django.urls import path

from frontend.nav import register_project_link
from frontend.views import agreement

urlpatterns = [
    path("projects/<int:project_id>/agreement/", agreement.agreement_page, name="agreement"),
]

register_project_link(label="Agreement", url_name="agreement", roles={"reviewer", "lead"}, order=40)
