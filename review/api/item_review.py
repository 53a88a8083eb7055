"""One item's review over REST: every annotation side by side, with flags, decisions, comments
and its audit trail.

Thin: the view calls review.selectors.item_review.item_review_get, which admits reviewers
and leads only (annotators 403, outsiders 404; anonymous requests 401 from DRF).
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from labeling.api.errors import error_responses
from review.api.audit import audit_json
from review.api.flags import flag_json
from review.api.responses import ItemReviewSerializer
from review.selectors.item_review import item_review_get


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


urlpatterns = [
    path(
        "projects/<int:project_id>/review/items/<int:item_id>",
        ItemReviewApi.as_view(),
        name="api-review-item",
    ),
]
