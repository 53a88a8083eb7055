"""REST routes of the labeling app (mounted under /api/). Each module owns its routes."""

from django.urls import path

from labeling.api import (
    assignments,
    imports,
    items,
    lifecycle,
    model_server,
    prelabel,
    projects,
    token,
    tokens,
    webhooks,
)

urlpatterns = [
    path("auth/token", token.TokenObtainApi.as_view(), name="api-auth-token"),
    path("projects", projects.ProjectListApi.as_view(), name="api-projects"),
    path("projects/<int:project_id>", projects.ProjectDetailApi.as_view(), name="api-project"),
    path("projects/<int:project_id>/members", projects.MemberListApi.as_view(), name="api-members"),
    path(
        "projects/<int:project_id>/members/<int:membership_id>",
        projects.MemberDetailApi.as_view(),
        name="api-member",
    ),
    path("projects/<int:project_id>/items", items.ItemListApi.as_view(), name="api-items"),
    path(
        "projects/<int:project_id>/items/<int:item_id>/image",
        items.ItemImageApi.as_view(),
        name="api-item-image",
    ),
    path(
        "projects/<int:project_id>/annotations",
        items.AnnotationListApi.as_view(),
        name="api-annotations",
    ),
    path(
        "projects/<int:project_id>/predictions",
        items.PredictionListApi.as_view(),
        name="api-predictions",
    ),
    *lifecycle.urlpatterns,
    *imports.urlpatterns,
    *assignments.urlpatterns,
    *prelabel.urlpatterns,
    *model_server.urlpatterns,
    *tokens.urlpatterns,
    *webhooks.urlpatterns,
]
