"""REST routes of the review app (mounted under /api/)."""

from django.urls import URLPattern, path

from review.api import audit, decisions, flags, item_review
from review.api.agreement import ProjectAgreementApi

urlpatterns: list[URLPattern] = [
    path(
        "projects/<int:project_id>/agreement",
        ProjectAgreementApi.as_view(),
        name="api-project-agreement",
    ),
    *flags.urlpatterns,
    *item_review.urlpatterns,
    *audit.urlpatterns,
    *decisions.urlpatterns,
]
