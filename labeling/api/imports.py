"""REST routes for imports and exports (leads only, as on the pages). Exposes `urlpatterns`.

POST /api/projects/{id}/imports           multipart `file` -> 202 with the import job
GET  /api/projects/{id}/imports/{job_id}  -> the job: status, counts, progress %, errors
GET  /api/projects/{id}/export?format=NAME&include=all|aggregate|final&source=... -> streamed
     (NAME: jsonl, json, csv, label_studio, conll, spacy, coco, yolo; labeling.exporters.catalogue)
"""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from labeling.api.errors import error_responses
from labeling.exceptions import ImportFailed
from labeling.exporters.catalogue import FORMATS as EXPORT_FORMATS
from labeling.exporters.labelled_items import SOURCES
from labeling.importers.parse.stream import FORMATS as IMPORT_FORMATS
from labeling.models import ImportJob, Role
from labeling.permissions import project_for_role
from labeling.services.exports import export_content_type, export_filename, export_stream
from labeling.services.imports import import_job_create


class ImportJobSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = (
            "id",
            "status",
            "original_name",
            "format",
            "bytes_total",
            "bytes_done",
            "progress",
            "items_created",
            "annotations_created",
            "predictions_created",
            "errors",
            "created_at",
            "finished_at",
        )

    def get_progress(self, job: ImportJob) -> int:
        """Percent done, 0-100."""
        if job.status == "done":
            return 100
        return min(100, job.bytes_done * 100 // job.bytes_total) if job.bytes_total else 0


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    format = serializers.ChoiceField(choices=IMPORT_FORMATS, default="auto", required=False)
    replace = serializers.BooleanField(
        default=False, required=False,
        help_text="Replace items whose id is already in the project, if nobody labeled them "
        "(the import is refused when any of them has labels)",
    )


class ImportCreateApi(APIView):
    parser_classes = (MultiPartParser, FormParser)

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={202: ImportJobSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request, project_id: int) -> Response:
        """Upload a file to import; it runs as a background job (poll its URL). Leads only."""
        project = project_for_role(request.user, project_id, [Role.LEAD])
        upload = request.FILES.get("file")
        if upload is None:
            raise ImportFailed("Attach the file to import as the multipart field 'file'")
        fmt = request.data.get("format") or "auto"
        replace = str(request.data.get("replace", "")).lower() in ("1", "true", "yes", "on")
        job = import_job_create(project=project, upload=upload, user=request.user, fmt=fmt, replace=replace)
        job.refresh_from_db()  # an eager or fast worker may have finished it already
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportDetailApi(APIView):
    @extend_schema(responses={200: ImportJobSerializer, **error_responses(401, 403, 404)})
    def get(self, request: Request, project_id: int, job_id: int) -> Response:
        """An import job's status, counts, progress and errors. Leads only."""
        project = project_for_role(request.user, project_id, [Role.LEAD])
        job = get_object_or_404(ImportJob, project=project, pk=job_id)
        return Response(ImportJobSerializer(job).data)


class ExportApi(APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[JSONRenderer, str]:
        # `format` is our query parameter (a format name), not DRF's renderer override.
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=list(EXPORT_FORMATS)),
            OpenApiParameter("include", str, enum=["all", "aggregate", "final"]),
            OpenApiParameter(
                "source", str, enum=list(SOURCES),
                description="conll, spacy, coco, yolo: settled (final, else aggregate), final, aggregate "
                "or annotators (each annotation; not for yolo)",
            ),
        ],
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(OpenApiTypes.STR, description="format=jsonl or spacy"),
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.ANY, description="format=json, label_studio (arrays) or coco (one object)"
            ),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="format=csv"),
            (200, "text/plain"): OpenApiResponse(OpenApiTypes.STR, description="format=conll"),
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="format=yolo"),
            **error_responses(400, 401, 403, 404),
        },
    )  # fmt: skip
    def get(self, request: Request, project_id: int) -> StreamingHttpResponse:
        """Stream the project's export. Leads only, like the export page."""
        project = project_for_role(request.user, project_id, [Role.LEAD])
        fmt = request.query_params.get("format", "jsonl")
        include = request.query_params.get("include", "all")
        source = request.query_params.get("source", "settled")
        chunks = export_stream(project=project, fmt=fmt, include=include, source=source)
        response = StreamingHttpResponse(chunks, content_type=export_content_type(fmt))
        name = export_filename(project, fmt=fmt, include=include)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


urlpatterns: list[URLPattern] = [
    path("projects/<int:project_id>/imports", ImportCreateApi.as_view(), name="api-imports"),
    path("projects/<int:project_id>/imports/<int:job_id>", ImportDetailApi.as_view(), name="api-import"),
    path("projects/<int:project_id>/export", ExportApi.as_view(), name="api-export"),
]
