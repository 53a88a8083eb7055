"""Pre-labeling over REST: start a job (leads), read its progress, cancel it, list versions.

POST /api/projects/{id}/prelabel {"backend"?: "tfidf", "filter"?: {"scope", "ids"}} -> 201 job
GET  /api/projects/{id}/prelabel/jobs                -> jobs, newest first
GET  /api/projects/{id}/prelabel/jobs/{job_id}       -> job with progress
POST /api/projects/{id}/prelabel/jobs/{job_id}/cancel -> job
GET  /api/projects/{id}/model-versions               -> versions with accuracy and acceptance
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from labeling.api.errors import error_responses
from labeling.api.responses import JobProgressSerializer, ModelVersionListSerializer
from labeling.models import PrelabelJob, Role
from labeling.permissions import project_for_role
from labeling.prelabel import measures, selectors
from labeling.services.prelabel import prelabel_job_cancel, prelabel_job_start


class PrelabelStartSerializer(serializers.Serializer):
    backend = serializers.CharField(required=False, allow_blank=True, max_length=64)
    filter = serializers.JSONField(required=False)


class PrelabelJobSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = PrelabelJob
        fields = [
            "id", "backend", "model_version", "status", "item_filter", "total", "done",
            "cancel_requested", "error", "created_at", "finished_at", "progress",
        ]

    @extend_schema_field(JobProgressSerializer)
    def get_progress(self, job: PrelabelJob) -> dict[str, Any]:
        return selectors.job_progress(job)


class PrelabelStartApi(APIView):
    @extend_schema(
        request=PrelabelStartSerializer,
        responses={201: PrelabelJobSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, project_id: int) -> Response:
        """Start pre-labeling the project's unlabeled items (or a filter); leads only."""
        project = project_for_role(request.user, project_id, [Role.LEAD])
        payload = PrelabelStartSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        job = prelabel_job_start(
            project=project,
            user=request.user,
            backend=payload.validated_data.get("backend") or None,
            item_filter=payload.validated_data.get("filter"),
        )
        return Response(PrelabelJobSerializer(job).data, status=status.HTTP_201_CREATED)


class PrelabelJobListApi(APIView):
    @extend_schema(
        responses={200: PrelabelJobSerializer(many=True), **error_responses(401, 403, 404)}
    )
    def get(self, request: Request, project_id: int) -> Response:
        jobs = selectors.prelabel_job_list(user=request.user, project_id=project_id)[:50]
        return Response(PrelabelJobSerializer(jobs, many=True).data)


class PrelabelJobApi(APIView):
    @extend_schema(responses={200: PrelabelJobSerializer, **error_responses(401, 403, 404)})
    def get(self, request: Request, project_id: int, job_id: int) -> Response:
        job = selectors.prelabel_job_get(user=request.user, project_id=project_id, job_id=job_id)
        return Response(PrelabelJobSerializer(job).data)


class PrelabelJobCancelApi(APIView):
    @extend_schema(
        request=None, responses={200: PrelabelJobSerializer, **error_responses(401, 403, 404, 409)}
    )
    def post(self, request: Request, project_id: int, job_id: int) -> Response:
        job = selectors.prelabel_job_get(user=request.user, project_id=project_id, job_id=job_id)
        return Response(PrelabelJobSerializer(prelabel_job_cancel(job=job, user=request.user)).data)


class ModelVersionListApi(APIView):
    @extend_schema(responses={200: ModelVersionListSerializer, **error_responses(401, 403, 404)})
    def get(self, request: Request, project_id: int) -> Response:
        """Model versions with cv accuracy, accuracy on settled items and acceptance rate."""
        rows = measures.model_version_measures(user=request.user, project_id=project_id)
        anchoring = measures.anchoring_comparison(user=request.user, project_id=project_id)
        return Response({"results": rows, "anchoring": anchoring})


urlpatterns: list[URLPattern] = [
    path("projects/<int:project_id>/prelabel", PrelabelStartApi.as_view(), name="api-prelabel"),
    path(
        "projects/<int:project_id>/prelabel/jobs",
        PrelabelJobListApi.as_view(),
        name="api-prelabel-jobs",
    ),
    path(
        "projects/<int:project_id>/prelabel/jobs/<int:job_id>",
        PrelabelJobApi.as_view(),
        name="api-prelabel-job",
    ),
    path(
        "projects/<int:project_id>/prelabel/jobs/<int:job_id>/cancel",
        PrelabelJobCancelApi.as_view(),
        name="api-prelabel-job-cancel",
    ),
    path(
        "projects/<int:project_id>/model-versions",
        ModelVersionListApi.as_view(),
        name="api-model-versions",
    ),
]
