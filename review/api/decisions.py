"""Review decisions over REST: final label, verdicts, send back, dismiss, comment, example.

Thin: check the role (reviewer or lead), load the target inside the project, parse the body's
shape, call one service from review.services.decisions, render. Domain errors map to 4xx.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from labeling.api.errors import error_responses
from labeling.exceptions import NotFound
from labeling.models import Annotation, Item, Project
from labeling.permissions import STAFF_ROLES, project_for_role
from review.api.responses import (
    CommentResultSerializer,
    DecisionSerializer,
    ExampleResultSerializer,
    FlagDismissResultSerializer,
    VerdictResultSerializer,
)
from review.models import Cause, Flag, ReviewDecision, Verdict
from review.services import decisions as decide


class FinalSerializer(serializers.Serializer):
    value = serializers.JSONField()
    cause = serializers.ChoiceField(choices=Cause.choices, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class VerdictSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class SendBackSerializer(serializers.Serializer):
    annotators = serializers.ListField(child=serializers.IntegerField(), required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class DismissSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class CommentSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)


class ExampleSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    is_example = serializers.BooleanField(required=False, default=True)


def _staff_project(request: Request, project_id: int) -> Project:
    return project_for_role(request.user, project_id, STAFF_ROLES)


def _item(request: Request, project_id: int, item_id: int) -> Item:
    item = Item.objects.filter(project=_staff_project(request, project_id), pk=item_id).first()
    if item is None:
        raise NotFound("No such item in this project")
    return item


WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)


def _body(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    return dict(payload.validated_data)


def decision_json(decision: ReviewDecision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "item": decision.item_id,
        "action": decision.action,
        "cause": decision.cause,
        "value": decision.value,
        "note": decision.note,
        "reviewer": decision.reviewer_id,
        "created_at": decision.created_at,
    }


class FinalLabelApi(APIView):
    @extend_schema(
        request=FinalSerializer,
        responses={201: DecisionSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, project_id: int, item_id: int) -> Response:
        """Set the item's final label (any valid value) with an optional cause and note."""
        item = _item(request, project_id, item_id)
        data = _body(FinalSerializer, request)
        decision = decide.final_label_set(
            item=item,
            reviewer=request.user,
            value=data["value"],
            cause=data.get("cause", ""),
            note=data.get("note", ""),
        )
        return Response(decision_json(decision), status=status.HTTP_201_CREATED)


class VerdictApi(APIView):
    @extend_schema(
        request=VerdictSerializer,
        responses={201: VerdictResultSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, project_id: int, annotation_id: int) -> Response:
        """Accept or reject one annotation."""
        project = _staff_project(request, project_id)
        annotation = Annotation.objects.filter(project=project, pk=annotation_id).first()
        if annotation is None:
            raise NotFound("No such annotation in this project")
        data = _body(VerdictSerializer, request)
        review = decide.annotation_verdict_set(
            annotation=annotation,
            reviewer=request.user,
            verdict=data["verdict"],
            comment=data.get("comment", ""),
        )
        return Response(
            {"annotation": annotation.pk, "verdict": review.verdict, "comment": review.comment},
            status=status.HTTP_201_CREATED,
        )


class SendBackApi(APIView):
    @extend_schema(
        request=SendBackSerializer,
        responses={201: DecisionSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, project_id: int, item_id: int) -> Response:
        """Open a new round for the item, optionally only for chosen annotators (user ids)."""
        item = _item(request, project_id, item_id)
        data = _body(SendBackSerializer, request)
        decision = decide.item_send_back(
            item=item,
            reviewer=request.user,
            annotator_ids=data.get("annotators"),
            note=data.get("note", ""),
        )
        return Response(decision_json(decision), status=status.HTTP_201_CREATED)


class FlagDismissApi(APIView):
    @extend_schema(
        request=DismissSerializer,
        responses={200: FlagDismissResultSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, project_id: int, flag_id: int) -> Response:
        """Dismiss a flag with a reason."""
        project = _staff_project(request, project_id)
        flag = Flag.objects.filter(project=project, pk=flag_id).select_related("item").first()
        if flag is None:
            raise NotFound("No such flag in this project")
        data = _body(DismissSerializer, request)
        flag = decide.flag_dismiss(flag=flag, reviewer=request.user, reason=data["reason"])
        return Response(
            {"id": flag.pk, "status": flag.status, "dismiss_reason": flag.dismiss_reason}
        )


class CommentApi(APIView):
    @extend_schema(
        request=CommentSerializer,
        responses={201: CommentResultSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, project_id: int, item_id: int) -> Response:
        """Add a comment to the item's review thread."""
        item = _item(request, project_id, item_id)
        data = _body(CommentSerializer, request)
        comment = decide.comment_add(item=item, author=request.user, body=data["body"])
        return Response({"id": comment.pk, "body": comment.body}, status=status.HTTP_201_CREATED)


class ExampleApi(APIView):
    @extend_schema(
        request=ExampleSerializer,
        responses={200: ExampleResultSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, project_id: int, item_id: int) -> Response:
        """Mark (or unmark with is_example=false) the item as a guideline example."""
        item = _item(request, project_id, item_id)
        data = _body(ExampleSerializer, request)
        item = decide.example_mark(
            item=item,
            reviewer=request.user,
            note=data.get("note", ""),
            is_example=data.get("is_example", True),
        )
        return Response(
            {"item": item.pk, "is_example": item.is_example, "example_note": item.example_note}
        )


ITEM = "projects/<int:project_id>/review/items/<int:item_id>"
urlpatterns = [
    path(f"{ITEM}/final", FinalLabelApi.as_view(), name="api-review-final"),
    path(f"{ITEM}/send-back", SendBackApi.as_view(), name="api-review-send-back"),
    path(f"{ITEM}/comments", CommentApi.as_view(), name="api-review-comment"),
    path(f"{ITEM}/example", ExampleApi.as_view(), name="api-review-example"),
    path(
        "projects/<int:project_id>/review/annotations/<int:annotation_id>/verdict",
        VerdictApi.as_view(),
        name="api-review-verdict",
    ),
    path(
        "projects/<int:project_id>/flags/<int:flag_id>/dismiss",
        FlagDismissApi.as_view(),
        name="api-flag-dismiss",
    ),
]
