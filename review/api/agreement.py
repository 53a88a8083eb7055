"""Agreement over REST. Thin: check the role through the selector, render the report."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from labeling.api.errors import error_responses
from review import services
from review.api.responses import AgreementComputingSerializer, AgreementReportSerializer
from review.selectors.agreement import agreement_snapshot_latest

COMPUTING = "The project's first agreement report is being computed by a worker; ask again shortly."


class ProjectAgreementApi(APIView):
    @extend_schema(
        responses={
            200: AgreementReportSerializer,
            202: AgreementComputingSerializer,
            **error_responses(401, 403, 404),
        }
    )
    def get(self, request: Request, project_id: int) -> Response:
        """The `agreement --json` object of the project's latest snapshot (reviewers and leads).

        The first read of a project without snapshots computes and stores one; for a large
        project a worker does, and the answer is 202 with {"status": "computing"} until then.
        """
        snapshot = agreement_snapshot_latest(user=request.user, project_id=project_id)
        if snapshot is None:
            first = services.snapshot_first(project_id=project_id)
            if first.scheduled:
                return Response(
                    {"status": "computing", "labels": first.labels, "detail": COMPUTING},
                    status=202,
                    headers={"Retry-After": "30"},
                )
            snapshot = first.snapshot
        report = snapshot.report if snapshot is not None else {}
        response = Response(report)
        if snapshot is not None:
            response["X-Snapshot-Created"] = snapshot.created_at.isoformat()
        return response
