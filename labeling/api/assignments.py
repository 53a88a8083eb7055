"""REST routes of the annotator's day: next item, submit, skip, release, history, edit.

Views parse input, call one engine function or service and render; the payloads never carry
other annotators' labels, the aggregate or a gold answer.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path, reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from labeling.api.errors import error_responses
from labeling.api.pagination import NewestCursorPagination
from labeling.api.responses import (
    AssignmentResponseSerializer,
    NextResponseSerializer,
    ProgressSerializer,
    SubmitResponseSerializer,
)
from labeling.assignment import engine
from labeling.image_urls import image_url_allowed
from labeling.models import Annotation, Assignment
from labeling.permissions import project_for_role
from labeling.selectors_annotator import sent_back_for
from labeling.services.annotations import (
    annotation_edit,
    annotation_submit,
    assignment_release,
    assignment_skip,
)


def item_payload(assignment: Assignment) -> dict[str, Any]:
    """What an annotator sees of the item: its data, image link and any suggestion shown."""
    item = assignment.item
    image_url = image_url_allowed(item.data, item.project.settings)
    if item.image:
        image_url = reverse(
            "api-item-image", kwargs={"project_id": item.project_id, "item_id": item.pk}
        )
    return {
        "id": item.pk,
        "external_id": item.external_id,
        "data": item.data,
        "image_url": image_url,
        "width": item.width,
        "height": item.height,
        "suggestion": engine.suggestion_for(assignment),
        # A later round: marked "sent back" on the screen, with the reviewer's note.
        "sent_back": sent_back_for(assignment),
    }


def assignment_payload(assignment: Assignment) -> dict[str, Any]:
    return {
        "id": assignment.pk,
        "status": assignment.status,
        "round": assignment.round,
        "expires_at": assignment.expires_at,
        "prelabel_shown": assignment.prelabel_shown,
    }


class SubmitSerializer(serializers.Serializer):
    value = serializers.JSONField()
    lead_time_ms = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    unsure = serializers.BooleanField(required=False, default=False)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class EditSerializer(serializers.Serializer):
    value = serializers.JSONField(required=False)
    unsure = serializers.BooleanField(required=False)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class MyAnnotationSerializer(serializers.ModelSerializer):
    """One of my annotations, with the item it labels; `editable` until a reviewer settles it."""

    item_external_id = serializers.CharField(source="item.external_id", read_only=True)
    item_data = serializers.JSONField(source="item.data", read_only=True)
    editable = serializers.SerializerMethodField()

    class Meta:
        model = Annotation
        fields = (
            "id", "item", "item_external_id", "item_data", "value", "unsure", "comment",
            "lead_time_ms", "guideline_version", "round", "created_at", "updated_at", "editable",
        )

    def get_editable(self, annotation: Annotation) -> bool:
        return annotation.item.final_value is None


class NextSerializer(serializers.Serializer):
    ahead = serializers.BooleanField(required=False, default=False)


class ProjectNextApi(APIView):
    """POST: my live assignment or a newly claimed one (200), or 204 when I am done.

    {"ahead": true} asks for a second lease to prefetch (see labeling.assignment.engine.next_item).
    """

    @extend_schema(
        request=NextSerializer,
        responses={
            200: OpenApiResponse(NextResponseSerializer, description="My assignment and its item"),
            204: OpenApiResponse(description="Nothing left for me to label: no body"),
            **error_responses(400, 401, 404, 409),
        },
    )
    def post(self, request: Request, project_id: int) -> Response:
        ahead = request.data.get("ahead") is True if isinstance(request.data, dict) else False
        # next_item reads the project with the membership (NotFound for outsiders).
        assignment = engine.next_item(project_id, request.user, ahead=ahead)
        if assignment is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        body = {"assignment": assignment_payload(assignment), "item": item_payload(assignment)}
        return Response(body)


CLOSE_RESPONSES = {200: AssignmentResponseSerializer, **error_responses(401, 404, 409)}


class AssignmentSubmitApi(APIView):
    @extend_schema(
        request=SubmitSerializer,
        responses={200: SubmitResponseSerializer, **error_responses(400, 401, 404, 409)},
    )
    def post(self, request: Request, assignment_id: int) -> Response:
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        annotation = annotation_submit(assignment_id=assignment_id, user=request.user, **data.validated_data)
        return Response({"annotation": {"id": annotation.pk, "value": annotation.value}})


class AssignmentSkipApi(APIView):
    @extend_schema(request=None, responses=CLOSE_RESPONSES)
    def post(self, request: Request, assignment_id: int) -> Response:
        assignment = assignment_skip(assignment_id=assignment_id, user=request.user)
        return Response({"assignment": assignment_payload(assignment)})


class AssignmentReleaseApi(APIView):
    @extend_schema(request=None, responses=CLOSE_RESPONSES)
    def post(self, request: Request, assignment_id: int) -> Response:
        assignment = assignment_release(assignment_id=assignment_id, user=request.user)
        return Response({"assignment": assignment_payload(assignment)})


class ProjectProgressApi(APIView):
    """GET: {"done", "remaining", "remaining_more"} for me in the project (the progress bar).

    "remaining" is counted no further than REMAINING_CAP; "remaining_more" says there are more.
    """

    @extend_schema(responses={200: ProgressSerializer, **error_responses(401, 404)})
    def get(self, request: Request, project_id: int) -> Response:
        project = project_for_role(request.user, project_id)
        done = Annotation.objects.filter(project=project, annotator_id=request.user.pk).count()
        remaining = engine.remaining_count(project=project, user=request.user)
        more = remaining > engine.REMAINING_CAP
        return Response(
            {"done": done, "remaining": min(remaining, engine.REMAINING_CAP), "remaining_more": more}
        )


@extend_schema_view(
    get=extend_schema(responses={200: MyAnnotationSerializer(many=True), **error_responses(401, 404)})
)
class ProjectHistoryApi(generics.ListAPIView):
    """GET: my own annotations in the project, newest change first (cursor pages, no count)."""

    serializer_class = MyAnnotationSerializer
    queryset = Annotation.objects.none()  # for the schema; get_queryset checks the caller
    pagination_class = NewestCursorPagination

    def get_queryset(self):  # type: ignore[no-untyped-def]
        project = project_for_role(self.request.user, self.kwargs["project_id"])
        return (
            Annotation.objects.filter(project=project, annotator_id=self.request.user.pk)
            .select_related("item")
            .order_by("-updated_at", "-id")
        )


class AnnotationEditApi(APIView):
    """PATCH: change my own annotation while its item is unsettled."""

    @extend_schema(
        request=EditSerializer,
        responses={200: MyAnnotationSerializer, **error_responses(400, 401, 404, 409)},
    )
    def patch(self, request: Request, annotation_id: int) -> Response:
        data = EditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        annotation = annotation_edit(annotation_id=annotation_id, user=request.user, **data.validated_data)
        return Response(MyAnnotationSerializer(annotation).data)


urlpatterns: list[URLPattern] = [
    path("projects/<int:project_id>/next", ProjectNextApi.as_view(), name="api-next"),
    path("projects/<int:project_id>/progress", ProjectProgressApi.as_view(), name="api-progress"),
    path("projects/<int:project_id>/history", ProjectHistoryApi.as_view(), name="api-history"),
    path(
        "assignments/<int:assignment_id>/submit",
        AssignmentSubmitApi.as_view(),
        name="api-assignment-submit",
    ),
    path(
        "assignments/<int:assignment_id>/skip", AssignmentSkipApi.as_view(), name="api-assignment-skip"
    ),
    path(
        "assignments/<int:assignment_id>/release",
        AssignmentReleaseApi.as_view(),
        name="api-assignment-release",
    ),
    path("annotations/<int:annotation_id>", AnnotationEditApi.as_view(), name="api-annotation"),
]
