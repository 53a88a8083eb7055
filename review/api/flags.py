"""The review queue over REST: flags, most severe first, and the queue's summary.

Thin: every view calls selectors from review.selectors (queue, guideline_gaps), which admit
reviewers and leads only (annotators 403, outsiders 404; anonymous requests 401 from DRF).
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from labeling.api.errors import error_responses
from review.api.responses import FlagPageSerializer, ReviewSummarySerializer
from review.models import Flag
from review.selectors import queue
from review.selectors.guideline_gaps import guideline_gap_list


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


urlpatterns = [
    path("projects/<int:project_id>/flags", FlagListApi.as_view(), name="api-flags"),
    path(
        "projects/<int:project_id>/review/summary",
        ReviewSummaryApi.as_view(),
        name="api-review-summary",
    ),
]
