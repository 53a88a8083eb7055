"""Token authentication in one hand-written statement (the user joined to their ApiToken).

DRF's TokenAuthentication does the same lookup through the ORM, whose query compilation cost
more Python time per request than the rest of a "next" request's reads. The header stays DRF's
(`Authorization: Token KEY`), the key is looked up by its SHA-256 (labeling.models.ApiToken),
and an unknown key or an inactive user gets 401. last_used_at is written at most once a
minute per token, so "next" and "submit" stay read-only here.

A token scoped to one project (scope "project_read", given to the project's model server) may
only GET that project, its items list and its item images; anything else is 403.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.request import Request

from labeling.db.executor import fetch_one
from labeling.db.tokens_sql import token_with_user_sql
from labeling.models import ApiToken
from labeling.services.tokens import api_token_touch, key_digest

# URL names a "project_read" token may GET (with its own project's id).
SCOPED_READS = frozenset({"api-project", "api-items", "api-item-image"})


class FastTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, checked with one joined read."""

    def authenticate(self, request: Request) -> tuple[AbstractBaseUser, ApiToken] | None:  # type: ignore[override]
        found = super().authenticate(request)
        if found is not None and found[1].scope:
            _scope_check(request, found[1])
        return found  # type: ignore[return-value]

    def authenticate_credentials(self, key: str) -> tuple[AbstractBaseUser, ApiToken]:  # type: ignore[override]
        users = get_user_model()
        found = fetch_one(token_with_user_sql(), [key_digest(key)], [users, ApiToken])
        if found is None:
            raise AuthenticationFailed("Invalid token.")
        user, token = found
        if not user.is_active:  # type: ignore[attr-defined]
            raise AuthenticationFailed("User inactive or deleted.")
        api_token_touch(token_id=token.pk, last_used_at=token.last_used_at)  # type: ignore[attr-defined]
        return user, token  # type: ignore[return-value]


def _scope_check(request: Request, token: ApiToken) -> None:
    """Refuse (403) what a scoped token may not do: anything but reading its project's items."""
    match = getattr(request._request, "resolver_match", None)
    allowed = (
        request.method in ("GET", "HEAD")
        and match is not None
        and match.url_name in SCOPED_READS
        and str(match.kwargs.get("project_id")) == str(token.project_id)
    )
    if not allowed:
        raise PermissionDenied(
            "This token may only read the items and images of project "
            f"{token.project_id}"
        )
