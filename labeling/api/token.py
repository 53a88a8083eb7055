"""POST /api/auth/token: a user's API token for their username and password, throttled.

Kept apart from labeling.api.auth, which DRF imports while it loads its own views.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from config import login_limiter
from labeling.api.throttles import AnonApiThrottle
from labeling.services.tokens import api_token_create


class TokenObtainApi(ObtainAuthToken):
    """{"username", "password"} -> {"token": KEY}; 400 on a wrong pair.

    Attempts count against the username and the address (config.login_limiter); over the
    limit every attempt gets 429 with Retry-After, the right password included.
    """

    authentication_classes = ()
    permission_classes = ()
    throttle_classes = (AnonApiThrottle,)
    parser_classes = (JSONParser,)  # a JSON body, like every other endpoint (issue 17)

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: OpenApiResponse(description="Wrong username or password"),
            429: OpenApiResponse(description="Too many attempts; Retry-After gives the seconds"),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        username = str(request.data.get("username", ""))
        address = login_limiter.client_address(request)
        wait = login_limiter.attempt(username, address)
        if wait:
            body = {"detail": login_limiter.blocked_message(wait), "code": "throttled"}
            return Response(body, status=429, headers={"Retry-After": str(wait)})
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        login_limiter.record_success(username, address)
        _token, key = api_token_create(user=user, name="POST /api/auth/token")
        return Response({"token": key})
