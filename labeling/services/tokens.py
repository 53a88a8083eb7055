"""API tokens: create, revoke and mark as used. Keys are random; only their SHA-256 is kept."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from labeling.exceptions import NotFound, SchemaError
from labeling.models import ApiToken

KEY_BYTES = 30  # 40 URL-safe characters, the length DRF's keys had
# last_used_at is rewritten at most this often per token: the hot path stays read-only.
TOUCH_INTERVAL = timedelta(minutes=1)


def key_digest(key: str) -> str:
    """The stored form of a key (hex SHA-256); keys are random, so no salt is needed."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """A new token for `user` named `name`; returns (token, key). The key is never stored.

    Raises SchemaError for an empty name.
    """
    name = name.strip()[:100]
    if not name:
        raise SchemaError("Give the token a name", details={"field": "name"})
    key = secrets.token_urlsafe(KEY_BYTES)
    token = ApiToken.objects.create(user=user, name=name, key_hash=key_digest(key), prefix=key[:8])
    return token, key


@transaction.atomic
def api_token_revoke(*, user: AbstractBaseUser, token_id: int) -> None:
    """Delete one of the user's tokens; NotFound for another user's or an unknown token."""
    deleted, _ = ApiToken.objects.filter(user_id=user.pk, pk=token_id).delete()
    if not deleted:
        raise NotFound("No such token")


def api_token_touch(*, token_id: int, last_used_at: object) -> bool:
    """Record that the token was used now, unless it already was within TOUCH_INTERVAL.

    `last_used_at` is the value the caller read with the token; the conditional UPDATE makes
    concurrent requests write at most once. Returns True when it wrote.
    """
    now = timezone.now()
    if last_used_at is not None and now - last_used_at < TOUCH_INTERVAL:  # type: ignore[operator]
        return False
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_INTERVAL)
    return ApiToken.objects.filter(stale, pk=token_id).update(last_used_at=now) == 1
