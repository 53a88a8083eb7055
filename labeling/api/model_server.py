"""Model server training over REST (its settings go through PATCH /api/projects/{id}).

POST /api/projects/{id}/prelabel/train   -> 202 the START_TRAINING event (sent by a task)
GET  /api/projects/{id}/prelabel/events  -> the latest training events, newest first
"""

from __future__ import annotations

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from labeling.api.errors import error_responses
from labeling.models import ModelServerEvent, Role
from labeling.permissions import project_for_role
from labeling.prelabel import selectors
from labeling.services.model_server_events import model_server_train


class ModelServerEventSerializer(serializers.ModelSerializer):
    # A plain string: an enum here would collide with the jobs' "status" enum in the schema.
    status = serializers.CharField(read_only=True, help_text="pending, sent or failed")

    class Meta:
        model = ModelServerEvent
        fields = ["id", "action", "annotation_id", "status", "attempts", "error", "created_at", "sent_at"]


class ModelServerTrainApi(APIView):
    @extend_schema(
        request=None,
        responses={202: ModelServerEventSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request, project_id: int) -> Response:
        """Ask the project's model server to train (Label Studio's START_TRAINING); leads only.

        400 when the project has no model server URL. The event is sent by a background task;
        read its status from the events list.
        """
        project = project_for_role(request.user, project_id, [Role.LEAD])
        event = model_server_train(project=project, user=request.user)
        event.refresh_from_db()
        return Response(ModelServerEventSerializer(event).data, status=status.HTTP_202_ACCEPTED)


class ModelServerEventListApi(APIView):
    @extend_schema(
        responses={200: ModelServerEventSerializer(many=True), **error_responses(401, 403, 404)}
    )
    def get(self, request: Request, project_id: int) -> Response:
        """The latest 20 webhook events of the project's model server, newest first; leads only."""
        events = selectors.model_server_events_recent(user=request.user, project_id=project_id, limit=20)
        return Response(ModelServerEventSerializer(events, many=True).data)


urlpatterns: list[URLPattern] = [
    path(
        "projects/<int:project_id>/prelabel/train",
        ModelServerTrainApi.as_view(),
        name="api-prelabel-train",
    ),
    path(
        "projects/<int:project_id>/prelabel/events",
        ModelServerEventListApi.as_view(),
        name="api-prelabel-events",
    ),
]
