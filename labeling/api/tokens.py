"""The caller's own API tokens over REST: list, create (the key is shown once), revoke."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from labeling import selectors
from labeling.api.errors import error_responses
from labeling.models import ApiToken
from labeling.services.tokens import api_token_create, api_token_revoke


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


@extend_schema_view(
    get=extend_schema(responses={200: ApiTokenSerializer(many=True), **error_responses(401, 404)})
)
class ApiTokenListApi(generics.ListAPIView):
    """GET: my tokens (never their keys). POST {"name"}: a new token, its key shown once."""

    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()  # for the schema; get_queryset reads the caller's

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.api_token_list(user=self.request.user)

    @extend_schema(
        request=ApiTokenCreateSerializer,
        responses={
            201: inline_serializer(
                "ApiTokenCreated",
                {"token": serializers.CharField(), "api_token": ApiTokenSerializer()},
            ),
            **error_responses(400, 401),
        },
    )
    def post(self, request: Request) -> Response:
        payload = ApiTokenCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        token, key = api_token_create(user=request.user, name=payload.validated_data["name"])
        body = {"token": key, "api_token": ApiTokenSerializer(token).data}
        return Response(body, status=status.HTTP_201_CREATED)


class ApiTokenDetailApi(APIView):
    @extend_schema(responses={204: None, **error_responses(401, 404)})
    def delete(self, request: Request, token_id: int) -> Response:
        """Revoke one of my tokens; 404 for anyone else's."""
        api_token_revoke(user=request.user, token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("auth/tokens", ApiTokenListApi.as_view(), name="api-tokens"),
    path("auth/tokens/<int:token_id>", ApiTokenDetailApi.as_view(), name="api-token"),
]
