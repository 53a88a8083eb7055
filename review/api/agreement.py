"""Agreement over REST. Thin: check the role through the selector, render the report."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from labeling.api.errors import error_responses
from review import services
from review.api.responses import AgreementReportSerializer
from review.selectors.agreement import agreement_snapshot_latest


class ProjectAgreementApi(APIView):
    @extend_schema(responses={200: AgreementReportSerializer, **error_responses(401, 403, 404)})
    def get(self, request: Request, project_id: int) -> Response:
        """The `agreement --json` object of the project's latest snapshot (reviewers and leads).

        The first read of a project without snapshots computes and stores one.
        """
        snapshot = agreement_snapshot_latest(user=request.user, project_id=project_id)
        if snapshot is None:
            snapshot = services.project_snapshot_create(project_id=project_id)
        report = snapshot.report if snapshot is not None else {}
        response = Response(report)
        if snapshot is not None:
            response["X-Snapshot-Created"] = snapshot.created_at.isoformat()
        return response
