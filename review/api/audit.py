"""The audit log over REST: a JSON page at a time, or all of it streamed as JSON lines or CSV.

Thin: the view calls review.selectors.audit.audit_list, which admits reviewers and leads only
(annotators 403, outsiders 404; anonymous requests 401 from DRF).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.request import Request

from labeling.api.errors import error_responses
from labeling.api.pagination import IdCursorPagination
from labeling.csv_formulas import csv_writer
from labeling.ids import column_int
from labeling.models import AuditEntry
from review.api.responses import AuditEntrySerializer
from review.selectors.audit import audit_list

AUDIT_COLUMNS = (
    "id",
    "created_at",
    "actor",
    "action",
    "target_type",
    "target_id",
    "before",
    "after",
)


def audit_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "created_at": entry.created_at.isoformat(),
        "actor": entry.actor.username if entry.actor else None,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "before": entry.before,
        "after": entry.after,
    }


def _jsonl(entries: Iterator[AuditEntry]) -> Iterator[str]:
    for entry in entries:
        yield json.dumps(audit_json(entry), cls=DjangoJSONEncoder) + "\n"


def _csv(entries: Iterator[AuditEntry]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv_writer(buffer)  # neutralises formulas in comments and names (issue 21)
    writer.writerow(AUDIT_COLUMNS)
    for entry in entries:
        row = audit_json(entry)
        row["before"], row["after"] = json.dumps(row["before"]), json.dumps(row["after"])
        writer.writerow([row[column] for column in AUDIT_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


class AuditLogApi(generics.ListAPIView):
    serializer_class = AuditEntrySerializer
    queryset = AuditEntry.objects.none()  # for the schema; get_queryset checks the caller
    pagination_class = IdCursorPagination
    filter_backends = ()  # ?item and ?format are read here, not by a filterset

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # ?format=csv|jsonl picks our own streaming output, not a DRF renderer.
        return super().perform_content_negotiation(request, force=True)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        item = self.request.query_params.get("item", "")
        return audit_list(
            user=self.request.user, project_id=self.kwargs["project_id"], item_id=column_int(item)
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=["json", "jsonl", "csv"]),
            OpenApiParameter("item", int),
        ],
        responses={
            (200, "application/json"): AuditEntrySerializer(many=True),
            (200, "application/x-ndjson"): OpenApiResponse(
                OpenApiTypes.STR, description="format=jsonl: one AuditEntry per line"
            ),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="format=csv"),
            **error_responses(401, 403, 404),
        },
    )
    def get(self, request: Request, project_id: int) -> Any:
        """The audit log, oldest first: ?format=jsonl|csv streams all of it as a download;
        the default JSON list comes a page at a time (follow `next`; ?item=ID narrows to one
        item).
        """
        entries = self.get_queryset()
        fmt = request.query_params.get("format", "json")
        if fmt in ("jsonl", "csv"):
            stream = _jsonl if fmt == "jsonl" else _csv
            kind = "application/x-ndjson" if fmt == "jsonl" else "text/csv"
            response = StreamingHttpResponse(stream(entries.iterator()), content_type=kind)
            response["Content-Disposition"] = f'attachment; filename="audit-{project_id}.{fmt}"'
            return response
        page = self.paginate_queryset(entries)
        return self.get_paginated_response([audit_json(entry) for entry in page or []])


urlpatterns = [
    path("projects/<int:project_id>/audit", AuditLogApi.as_view(), name="api-audit"),
]
