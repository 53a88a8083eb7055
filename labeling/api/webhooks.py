"""Outgoing webhooks over REST; leads of the project only.

GET/POST   /api/projects/{id}/webhooks                        hooks (POST answers 201 with the secret)
GET/PATCH/DELETE /api/projects/{id}/webhooks/{hook_id}
POST       /api/projects/{id}/webhooks/{hook_id}/ping          -> 202 the queued ping delivery
GET        /api/projects/{id}/webhooks/{hook_id}/deliveries    newest first, cursor pages
POST       /api/projects/{id}/webhooks/{hook_id}/deliveries/{delivery_id}/redeliver -> 202
"""

from __future__ import annotations

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from labeling.api.errors import error_responses
from labeling.api.pagination import IdCursorPagination
from labeling.api.webhook_serializers import (
    WebhookCreatedSerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
    WebhookUpdateSerializer,
    WebhookWriteSerializer,
)
from labeling.choices import Role
from labeling.models import Webhook, WebhookDelivery
from labeling.permissions import project_for_role
from labeling.services.webhooks import (
    delivery_redeliver,
    webhook_create,
    webhook_delete,
    webhook_ping,
    webhook_update,
)
from labeling.webhooks import selectors


class NewestIdCursorPagination(IdCursorPagination):
    ordering = "-id"


@extend_schema_view(
    get=extend_schema(responses={200: WebhookSerializer(many=True), **error_responses(401, 403, 404)})
)
class WebhookListApi(generics.ListAPIView):
    serializer_class = WebhookSerializer
    queryset = Webhook.objects.none()  # for the schema; get_queryset checks the caller
    pagination_class = IdCursorPagination
    filter_backends = ()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.webhook_list(user=self.request.user, project_id=self.kwargs["project_id"])

    @extend_schema(
        request=WebhookWriteSerializer,
        responses={201: WebhookCreatedSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request, project_id: int) -> Response:
        """Register a hook; the answer carries its secret, which is never shown again."""
        project = project_for_role(request.user, project_id, [Role.LEAD])
        body = WebhookWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        hook = webhook_create(project=project, actor=request.user, **body.validated_data)
        return Response(WebhookCreatedSerializer(hook).data, status=status.HTTP_201_CREATED)


class WebhookDetailApi(APIView):
    @extend_schema(responses={200: WebhookSerializer, **error_responses(401, 403, 404)})
    def get(self, request: Request, project_id: int, hook_id: int) -> Response:
        hook = selectors.webhook_get(user=request.user, project_id=project_id, webhook_id=hook_id)
        return Response(WebhookSerializer(hook).data)

    @extend_schema(
        request=WebhookUpdateSerializer,
        responses={200: WebhookSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request: Request, project_id: int, hook_id: int) -> Response:
        """Change the URL, events, secret (write-only) or whether the hook is active."""
        hook = selectors.webhook_get(user=request.user, project_id=project_id, webhook_id=hook_id)
        body = WebhookUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        hook = webhook_update(webhook=hook, actor=request.user, **body.validated_data)
        return Response(WebhookSerializer(hook).data)

    @extend_schema(responses={204: None, **error_responses(401, 403, 404)})
    def delete(self, request: Request, project_id: int, hook_id: int) -> Response:
        """Remove the hook and its delivery log."""
        hook = selectors.webhook_get(user=request.user, project_id=project_id, webhook_id=hook_id)
        webhook_delete(webhook=hook, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookPingApi(APIView):
    @extend_schema(
        request=None,
        responses={202: WebhookDeliverySerializer, **error_responses(401, 403, 404)},
    )
    def post(self, request: Request, project_id: int, hook_id: int) -> Response:
        """Queue a signed "ping" event to this hook; follow it in the delivery log."""
        hook = selectors.webhook_get(user=request.user, project_id=project_id, webhook_id=hook_id)
        delivery = webhook_ping(webhook=hook, actor=request.user)
        delivery.refresh_from_db()  # eager mode (tests) has already sent it
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    get=extend_schema(
        responses={200: WebhookDeliverySerializer(many=True), **error_responses(401, 403, 404)}
    )
)
class WebhookDeliveryListApi(generics.ListAPIView):
    serializer_class = WebhookDeliverySerializer
    queryset = WebhookDelivery.objects.none()  # for the schema; get_queryset checks the caller
    pagination_class = NewestIdCursorPagination
    filter_backends = ()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.delivery_list(
            user=self.request.user,
            project_id=self.kwargs["project_id"],
            webhook_id=self.kwargs["hook_id"],
        )


class WebhookRedeliverApi(APIView):
    @extend_schema(
        request=None,
        responses={202: WebhookDeliverySerializer, **error_responses(401, 403, 404)},
    )
    def post(self, request: Request, project_id: int, hook_id: int, delivery_id: int) -> Response:
        """Send the delivery's event again, as a new delivery with the same event id."""
        delivery = selectors.delivery_get(
            user=request.user, project_id=project_id, webhook_id=hook_id, delivery_id=delivery_id
        )
        again = delivery_redeliver(delivery=delivery, actor=request.user)
        again.refresh_from_db()
        return Response(WebhookDeliverySerializer(again).data, status=status.HTTP_202_ACCEPTED)


HOOK = "projects/<int:project_id>/webhooks/<int:hook_id>"
urlpatterns: list[URLPattern] = [
    path("projects/<int:project_id>/webhooks", WebhookListApi.as_view(), name="api-webhooks"),
    path(HOOK, WebhookDetailApi.as_view(), name="api-webhook"),
    path(f"{HOOK}/ping", WebhookPingApi.as_view(), name="api-webhook-ping"),
    path(f"{HOOK}/deliveries", WebhookDeliveryListApi.as_view(), name="api-webhook-deliveries"),
    path(
        f"{HOOK}/deliveries/<int:delivery_id>/redeliver",
        WebhookRedeliverApi.as_view(),
        name="api-webhook-redeliver",
    ),
]
