"""Token authentication in one hand-written statement (the user joined to their ApiToken).

DRF's TokenAuthentication does the same lookup through the ORM, whose query compilation cost
more Python time per request than the rest of a "next" request's reads. The header stays DRF's
(`Authorization: Token KEY`), the key is looked up by its SHA-256 (labeling.models.ApiToken),
and an unknown key or an inactive user gets 401. last_used_at is written at most once a
minute per token, so "next" and "submit" stay read-only here.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from labeling.db.executor import columns, fetch_one, quote, table
from labeling.models import ApiToken
from labeling.services.tokens import api_token_touch, key_digest


class FastTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, checked with one joined read."""

    def authenticate_credentials(self, key: str) -> tuple[AbstractBaseUser, ApiToken]:  # type: ignore[override]
        users = get_user_model()
        found = fetch_one(
            f"SELECT {columns(users, 'u')}, {columns(ApiToken, 't')}"  # noqa: S608 - our tables
            f" FROM {table(users)} u JOIN {table(ApiToken)} t"
            f" ON t.user_id = u.{quote(users._meta.pk.column)} WHERE t.key_hash = %s",
            [key_digest(key)],
            [users, ApiToken],
        )
        if found is None:
            raise AuthenticationFailed("Invalid token.")
        user, token = found
        if not user.is_active:  # type: ignore[attr-defined]
            raise AuthenticationFailed("User inactive or deleted.")
        api_token_touch(token_id=token.pk, last_used_at=token.last_used_at)  # type: ignore[attr-defined]
        return user, token  # type: ignore[return-value]
