"""REST routes of the guidelines app (mounted under /api/)."""

from django.urls import path

from guidelines.api import views

PREFIX = "projects/<int:project_id>/guideline"

urlpatterns = [
    path(f"{PREFIX}/versions", views.VersionListApi.as_view(), name="api-guideline-versions"),
    path(
        f"{PREFIX}/versions/<int:number>",
        views.VersionDetailApi.as_view(),
        name="api-guideline-version",
    ),
    path(f"{PREFIX}/diff", views.VersionDiffApi.as_view(), name="api-guideline-diff"),
    path(f"{PREFIX}/draft", views.DraftApi.as_view(), name="api-guideline-draft"),
    path(f"{PREFIX}/publish", views.PublishApi.as_view(), name="api-guideline-publish"),
    path(f"{PREFIX}/acknowledge", views.AcknowledgeApi.as_view(), name="api-guideline-acknowledge"),
]
