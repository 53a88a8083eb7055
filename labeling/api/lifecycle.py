"""Archive projects, delete items and set gold answers in bulk over REST (leads only)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from labeling import services
from labeling.api.errors import error_responses
from labeling.api.serializers import (
    GoldBulkSerializer,
    GoldSetSerializer,
    ItemsDeletedSerializer,
    ItemsDeleteSerializer,
    ProjectSerializer,
)
from labeling.models import Role
from labeling.permissions import project_for_role

LEAD = (Role.LEAD,)


class ProjectArchiveApi(APIView):
    @extend_schema(request=None, responses={200: ProjectSerializer, **error_responses(401, 403, 404, 409)})
    def post(self, request: Request, project_id: int) -> Response:
        """Archive the project: read-only (no next item, submit, import or settings change)
        and hidden from the home page by default. Idempotent."""
        project = project_for_role(request.user, project_id, LEAD)
        project = services.project_archive(project=project, actor=request.user, archived=True)
        return Response(ProjectSerializer(project).data)

    @extend_schema(request=None, responses={200: ProjectSerializer, **error_responses(401, 403, 404, 409)})
    def delete(self, request: Request, project_id: int) -> Response:
        """Unarchive the project. Idempotent."""
        project = project_for_role(request.user, project_id, LEAD)
        project = services.project_archive(project=project, actor=request.user, archived=False)
        return Response(ProjectSerializer(project).data)


class ItemsDeleteApi(APIView):
    @extend_schema(
        request=ItemsDeleteSerializer,
        responses={200: ItemsDeletedSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, project_id: int) -> Response:
        """Delete these items (ids of the project; others are ignored) with their annotations,
        predictions and flags. Answers {"deleted": n}; 409 when the project is archived."""
        project = project_for_role(request.user, project_id, LEAD)
        payload = ItemsDeleteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        deleted = services.items_delete(project=project, item_ids=payload.validated_data["ids"], actor=request.user)
        return Response({"deleted": deleted})


class ItemDeleteApi(APIView):
    @extend_schema(request=None, responses={204: None, **error_responses(401, 403, 404, 409)})
    def delete(self, request: Request, project_id: int, item_id: int) -> Response:
        """Delete one item with its annotations, predictions and flags."""
        project = project_for_role(request.user, project_id, LEAD)
        item = get_object_or_404(project.items, pk=item_id)
        services.items_delete(project=project, item_ids=[item.pk], actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GoldBulkApi(APIView):
    @extend_schema(
        request=GoldBulkSerializer,
        responses={200: GoldSetSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, project_id: int) -> Response:
        """Set gold answers by external id, all or nothing: {"answers": {"ext-1": {"label":
        "pos"}, "ext-2": "neg"}}. A 400 lists unknown ids and invalid answers by position."""
        project = project_for_role(request.user, project_id, LEAD)
        payload = GoldBulkSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        count = services.gold_bulk_set(project=project, answers=payload.validated_data["answers"], actor=request.user)
        return Response({"gold": count})


urlpatterns = [
    path("projects/<int:project_id>/archive", ProjectArchiveApi.as_view(), name="api-project-archive"),
    path("projects/<int:project_id>/items/delete", ItemsDeleteApi.as_view(), name="api-items-delete"),
    path("projects/<int:project_id>/items/<int:item_id>", ItemDeleteApi.as_view(), name="api-item"),
    path("projects/<int:project_id>/gold", GoldBulkApi.as_view(), name="api-gold"),
]
