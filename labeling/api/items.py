"""Items, annotations and predictions over REST, always read through role-aware selectors."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from labeling import selectors
from labeling.api.errors import error_responses
from labeling.api.pagination import IdCursorPagination
from labeling.api.serializers import (
    AnnotationSerializer,
    ItemSerializer,
    PredictionSerializer,
    StaffItemSerializer,
)
from labeling.browse import STATUSES
from labeling.image_types import image_type_detect
from labeling.item_filters import ItemListFilters, item_list_filtered, item_search_filtered
from labeling.models import Annotation, Item, Prediction, Project

SEARCH = OpenApiParameter(
    "search",
    str,
    description="External id: the item with exactly this id comes first (on the first page), "
    "then the items whose id starts with it, in id order.",
)
FILTER_NAMES = ("external_id", "status", "label", "flag")
STAFF_ONLY = " Reviewers and leads only (403 for annotators)."
FILTERS = [
    SEARCH,
    OpenApiParameter("external_id", str, description="Only the item with exactly this id."),
    OpenApiParameter(
        "status", str, enum=list(STATUSES),
        description="unlabeled, in_progress (below its overlap), complete (not settled) or "
        "settled (a reviewer set the final label)." + STAFF_ONLY,
    ),
    OpenApiParameter(
        "label", str,
        description="Items whose aggregate or final label is this (a rating as a number)." + STAFF_ONLY,
    ),
    OpenApiParameter(
        "flag", str,
        description="Items with an open flag of this reason (low_agreement, rare_label, "
        "model_disagrees, unsure, gold_miss, likely_error, high_risk)." + STAFF_ONLY,
    ),
]  # fmt: skip


@extend_schema_view(
    get=extend_schema(
        description="Items of the project in id order, a page at a time (follow `next`; no "
        "total count is computed). Reviewers and leads also get the aggregate, agreement, "
        "p_wrong and final fields (StaffItem); annotators get what Item lists.",
        parameters=FILTERS,
        responses={200: ItemSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
)
class ItemListApi(generics.ListAPIView):
    queryset = Item.objects.none()  # for the schema; get_queryset checks the caller
    pagination_class = IdCursorPagination
    exact: Item | None = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        user, project_id = self.request.user, self.kwargs["project_id"]
        params = self.request.query_params
        term = params.get("search", "").strip()
        filters = ItemListFilters(**{name: params.get(name, "").strip() for name in FILTER_NAMES})
        if not term:
            return item_list_filtered(user=user, project_id=project_id, filters=filters)
        self.exact, prefixed = item_search_filtered(
            user=user, project_id=project_id, term=term, filters=filters
        )
        return prefixed

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        response = super().list(request, *args, **kwargs)
        if self.exact is not None and not request.query_params.get(self.paginator.cursor_query_param):
            exact = self.get_serializer(self.exact).data
            response.data["results"].insert(0, exact)  # type: ignore[index]
        return response

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):  # schema generation has no project
            return ItemSerializer
        project = get_object_or_404(Project, pk=self.kwargs["project_id"])
        staff = selectors.is_staff_of(self.request.user, project)
        return StaffItemSerializer if staff else ItemSerializer


class ItemImageApi(APIView):
    """The item's image file, served only to members who may see the item.

    Served as what Pillow says it is, never by the stored name, under a name Accord chooses,
    with nosniff and a sandbox CSP: even a file that is also HTML cannot run as a page of
    Accord's origin (issue 21). The bytes come through the media storage (a private S3 bucket
    or MEDIA_ROOT, issue 18) and are streamed in chunks; the bucket is never exposed.
    """

    @extend_schema(responses={(200, "image/*"): OpenApiTypes.BINARY, **error_responses(401, 404)})
    def get(self, request: Request, project_id: int, item_id: int) -> FileResponse:
        item = get_object_or_404(selectors.item_list(user=request.user, project_id=project_id), pk=item_id)
        if not item.image:
            raise Http404("This item has no image")
        handle = item.image.open("rb")
        detected = image_type_detect(handle)
        if detected is None:
            handle.close()
            raise Http404("This item's file is not an image")
        response = FileResponse(handle, content_type=detected.mime, filename=f"item-{item.pk}.{detected.extension}")
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        return response


@extend_schema_view(
    get=extend_schema(
        responses={200: AnnotationSerializer(many=True), **error_responses(400, 401, 404)}
    )
)
class AnnotationListApi(generics.ListAPIView):
    """Annotators get their own annotations only; reviewers and leads get all of them."""

    serializer_class = AnnotationSerializer
    queryset = Annotation.objects.none()  # for the schema; get_queryset checks the caller
    pagination_class = IdCursorPagination
    filterset_fields = ("item",)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.annotation_list(user=self.request.user, project_id=self.kwargs["project_id"])


@extend_schema_view(
    get=extend_schema(
        responses={200: PredictionSerializer(many=True), **error_responses(400, 401, 403, 404)}
    )
)
class PredictionListApi(generics.ListAPIView):
    serializer_class = PredictionSerializer
    queryset = Prediction.objects.none()  # for the schema; get_queryset checks the caller
    pagination_class = IdCursorPagination
    filterset_fields = ("item", "model_version")

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.prediction_list(user=self.request.user, project_id=self.kwargs["project_id"])
