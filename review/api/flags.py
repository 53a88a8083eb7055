"""Review reads over REST: the flag queue, its counts, one item's review, the audit log.

Thin: every view calls one selector from review.selectors, which admits reviewers and
leads only (annotators 403, outsiders 404; anonymous requests 401 from DRF).
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
from rest_framework.response import Response
from rest_framework.views import APIView

from labeling.api.errors import error_responses
from labeling.api.pagination import IdCursorPagination
from labeling.csv_formulas import csv_writer
from labeling.ids import column_int
from labeling.models import AuditEntry
from review.api.responses import (
    AuditEntrySerializer,
    FlagPageSerializer,
    ItemReviewSerializer,
    ReviewSummarySerializer,
)
from review.models import Flag
from review.selectors import queue
from review.selectors.audit import audit_list
from review.selectors.guideline_gaps import guideline_gap_list
from review.selectors.item_review import item_review_get

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


def flag_json(flag: Flag) -> dict[str, Any]:
    item = flag.item
    return {
        "id": flag.pk,
        "item": item.pk,
        "external_id": item.external_id,
        "reason": flag.reason,
        "severity": flag.severity,
        "status": flag.status,
        "details": flag.details,
        "dismiss_reason": flag.dismiss_reason,
        "agreement": item.agreement,
        "aggregate": item.aggregate_value,
        "created_at": flag.created_at,
    }


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


class FlagListApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(name, str)
            for name in ("reason", "label", "annotator", "version", "status", "cursor")
        ],
        responses={200: FlagPageSerializer, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request: Request, project_id: int) -> Response:
        """Flags, most severe first: {"results": [...], "next": cursor or null}."""
        page = queue.review_queue(
            user=request.user,
            project_id=project_id,
            filters=queue.queue_filters_parse(request.query_params),
            cursor=request.query_params.get("cursor"),
        )
        return Response(
            {"results": [flag_json(flag) for flag in page.flags], "next": page.next_cursor}
        )


class ReviewSummaryApi(APIView):
    @extend_schema(responses={200: ReviewSummarySerializer, **error_responses(401, 403, 404)})
    def get(self, request: Request, project_id: int) -> Response:
        """Open flags per reason, settled items per cause, and the guideline-gap items."""
        counts = queue.queue_counts(user=request.user, project_id=project_id)
        gaps = guideline_gap_list(user=request.user, project_id=project_id)
        counts["guideline_gaps"] = [  # type: ignore[assignment]
            {
                "item": d.item_id,
                "external_id": d.item.external_id,
                "value": d.value,
                "note": d.note,
                "reviewer": d.reviewer.username,
                "decided_at": d.created_at,
            }
            for d in gaps
        ]
        return Response(counts)


class ItemReviewApi(APIView):
    @extend_schema(responses={200: ItemReviewSerializer, **error_responses(401, 403, 404)})
    def get(self, request: Request, project_id: int, item_id: int) -> Response:
        """Every annotation of the item side by side, with flags, decisions, comments, audit."""
        view = item_review_get(user=request.user, project_id=project_id, item_id=item_id)
        item = view.item
        return Response(
            {
                "item": {
                    "id": item.pk,
                    "external_id": item.external_id,
                    "data": item.data,
                    "agreement": item.agreement,
                    "aggregate": item.aggregate_value,
                    "aggregate_confidence": item.aggregate_confidence,
                    "final": item.final_value,
                    "round": item.round,
                    "is_example": item.is_example,
                    "example_note": item.example_note,
                },
                "annotations": [
                    {
                        "id": a.pk,
                        "annotator": a.annotator.username,
                        "value": a.value,
                        "lead_time_ms": a.lead_time_ms,
                        "unsure": a.unsure,
                        "comment": a.comment,
                        "guideline_version": a.guideline_version,
                        "prelabel_shown": a.prelabel_shown,
                        "round": a.round,
                        "verdict": getattr(getattr(a, "review", None), "verdict", None),
                    }
                    for a in view.annotations
                ],
                "predictions": [
                    {"model_version": p.model_version, "value": p.value, "score": p.score}
                    for p in view.predictions
                ],
                "flags": [flag_json(flag) for flag in view.flags],
                "comments": [
                    {"author": c.author.username, "body": c.body, "created_at": c.created_at}
                    for c in view.comments
                ],
                "audit": [audit_json(entry) for entry in view.audit],
            }
        )


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
    path("projects/<int:project_id>/flags", FlagListApi.as_view(), name="api-flags"),
    path(
        "projects/<int:project_id>/review/summary",
        ReviewSummaryApi.as_view(),
        name="api-review-summary",
    ),
    path(
        "projects/<int:project_id>/review/items/<int:item_id>",
        ItemReviewApi.as_view(),
        name="api-review-item",
    ),
    path("projects/<int:project_id>/audit", AuditLogApi.as_view(), name="api-audit"),
]
