"""Guidelines over REST: versions, diffs, the draft, publishing (leads) and acknowledging.

Thin views: selectors check roles and read, services write; domain errors map to JSON
through labeling.api.errors.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guidelines import selectors, services
from guidelines.api.serializers import (
    AcknowledgementSerializer,
    DiffSerializer,
    DraftSerializer,
    PublishSerializer,
    VersionDetailSerializer,
    VersionSerializer,
)
from guidelines.models import GuidelineVersion
from labeling.api.errors import error_responses
from labeling.ids import column_int


@extend_schema_view(
    get=extend_schema(responses={200: VersionSerializer(many=True), **error_responses(401, 404)})
)
class VersionListApi(generics.ListAPIView):
    """Published versions, newest first (any member)."""

    serializer_class = VersionSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):  # schema generation has no project
            return GuidelineVersion.objects.none()
        return selectors.version_list(user=self.request.user, project_id=self.kwargs["project_id"])


class VersionDetailApi(APIView):
    @extend_schema(responses={200: VersionDetailSerializer, **error_responses(401, 404)})
    def get(self, request: Request, project_id: int, number: int) -> Response:
        """One version with its Markdown, sanitised HTML and examples (any member)."""
        version = selectors.version_get(user=request.user, project_id=project_id, number=number)
        return Response(VersionDetailSerializer(version).data)


def _query_int(request: Request, name: str, default: int) -> int:
    number = column_int(request.query_params.get(name, default))
    return -1 if number is None else number  # -1: never a version number, answered with 404


class VersionDiffApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("old", int), OpenApiParameter("new", int)],
        responses={200: DiffSerializer, **error_responses(401, 404)},
    )
    def get(self, request: Request, project_id: int) -> Response:
        """Word diff (HTML with <ins>/<del>) and changed label sections; old=0 is the empty text."""
        project = selectors.guideline_project(user=request.user, project_id=project_id)
        new = _query_int(request, "new", project.guideline_version)
        old = _query_int(request, "old", max(new - 1, 0))
        diff = selectors.version_diff(user=request.user, project_id=project_id, old=old, new=new)
        return Response(DiffSerializer(diff).data)


class DraftApi(APIView):
    @extend_schema(responses={200: DraftSerializer, **error_responses(401, 403, 404)})
    def get(self, request: Request, project_id: int) -> Response:
        """The draft (leads only); before the first save, the text of the version in force."""
        draft = selectors.draft_get(user=request.user, project_id=project_id)
        return Response(DraftSerializer(draft).data)

    @extend_schema(
        request=DraftSerializer, responses={200: DraftSerializer, **error_responses(400, 401, 403, 404)}
    )
    def put(self, request: Request, project_id: int) -> Response:
        """Create or replace the draft (leads only)."""
        project = selectors.guideline_project(
            user=request.user, project_id=project_id, roles=selectors.LEAD_ONLY
        )
        payload = DraftSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        draft = services.draft_save(
            project=project,
            author=request.user,
            markdown=payload.validated_data["draft_markdown"],
            changelog=payload.validated_data.get("draft_changelog", ""),
        )
        return Response(DraftSerializer(draft).data)

    post = put


class PublishApi(APIView):
    @extend_schema(
        request=PublishSerializer,
        responses={201: VersionDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, project_id: int) -> Response:
        """Publish the draft as the next version and put it in force (leads only)."""
        project = selectors.guideline_project(
            user=request.user, project_id=project_id, roles=selectors.LEAD_ONLY
        )
        payload = PublishSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        version = services.version_publish(
            project=project, author=request.user, **payload.validated_data
        )
        return Response(VersionDetailSerializer(version).data, status=status.HTTP_201_CREATED)


class AcknowledgeApi(APIView):
    @extend_schema(
        request=None, responses={200: AcknowledgementSerializer, **error_responses(401, 404, 409)}
    )
    def post(self, request: Request, project_id: int) -> Response:
        """Acknowledge the version in force (any member); lifts the next-item gate."""
        project = selectors.guideline_project(user=request.user, project_id=project_id)
        acknowledgement = services.acknowledge(user=request.user, project=project)
        return Response(AcknowledgementSerializer(acknowledgement).data)
