"""The token check's read: a user joined to their ApiToken, by the key's hash (labeling.api.auth).

Tables and columns are quoted; the hash is a parameter.
"""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model

from labeling.db.executor import columns, quote, table
from labeling.models import ApiToken


@cache
def token_with_user_sql() -> str:
    """The user `u` and the token `t` (columns in that order) of the token whose key_hash is
    `%s`; no row for an unknown key."""
    users = get_user_model()
    return (
        f"SELECT {columns(users, 'u')}, {columns(ApiToken, 't')}"  # noqa: S608 - quoted tables, values bound
        f" FROM {table(users)} u JOIN {table(ApiToken)} t"
        f" ON t.user_id = u.{quote(users._meta.pk.column)} WHERE t.key_hash = %s"
    )
