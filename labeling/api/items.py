"""Items, annotations and predictions over REST, always read through role-aware selectors."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.views import APIView

from labeling import selectors
from labeling.api.serializers import (
    AnnotationSerializer,
    ItemSerializer,
    PredictionSerializer,
    StaffItemSerializer,
)
from labeling.image_types import image_type_detect
from labeling.models import Project


class ItemListApi(generics.ListAPIView):
    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.item_list(user=self.request.user, project_id=self.kwargs["project_id"])

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        project = get_object_or_404(Project, pk=self.kwargs["project_id"])
        staff = selectors.is_staff_of(self.request.user, project)
        return StaffItemSerializer if staff else ItemSerializer


class ItemImageApi(APIView):
    """The item's image file, served only to members who may see the item.

    Served as what Pillow says it is, never by the stored name, under a name Accord chooses,
    with nosniff and a sandbox CSP: even a file that is also HTML cannot run as a page of
    Accord's origin (issue 21).
    """

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


class AnnotationListApi(generics.ListAPIView):
    serializer_class = AnnotationSerializer
    filterset_fields = ("item",)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.annotation_list(user=self.request.user, project_id=self.kwargs["project_id"])


class PredictionListApi(generics.ListAPIView):
    serializer_class = PredictionSerializer
    filterset_fields = ("item", "model_version")

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.prediction_list(user=self.request.user, project_id=self.kwargs["project_id"])
