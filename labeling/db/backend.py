"""What the database in use is and can do, for code outside the SQL modules.

Modules outside labeling/db/ and the other SQL modules (see `banned-api` in pyproject.toml)
never import django.db.connection: they branch on these answers instead.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import connection
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def is_postgresql() -> bool:
    """True on PostgreSQL (COPY, SKIP LOCKED, advisory locks, percentile_cont), False on SQLite."""
    return connection.vendor == "postgresql"


def has_select_for_update_of() -> bool:
    """Whether `SELECT ... FOR UPDATE OF alias` is understood (PostgreSQL; not SQLite)."""
    return bool(connection.features.has_select_for_update_of)


def has_skip_locked() -> bool:
    """Whether `SELECT ... FOR UPDATE SKIP LOCKED` is understood (PostgreSQL; not SQLite)."""
    return bool(connection.features.has_select_for_update_skip_locked)


def in_transaction() -> bool:
    """Whether this thread's connection is inside atomic(): its rows are not yet visible to
    another connection (a helper thread's)."""
    return bool(connection.in_atomic_block)


def thread_connection_close() -> None:
    """Close this thread's own database connection (a helper thread ends with it)."""
    connection.close()


def short_write_transactions() -> bool:
    """SQLite outside a transaction: one writer holds the whole file, so long writes should
    commit in short pages to let annotators' submits in between (PostgreSQL locks rows)."""
    return connection.vendor == "sqlite" and not connection.in_atomic_block


def lock_own_rows(queryset: QuerySet[M], *, skip_locked: bool = False) -> QuerySet[M]:
    """`SELECT ... FOR UPDATE` of the queryset's own rows only.

    With select_related, a plain FOR UPDATE on PostgreSQL also locks the joined rows (an item's
    project), so two item locks of one project would queue behind each other and deadlock with
    foreign-key checks on the project row. OF self locks the item alone where it is understood.
    `skip_locked` passes over rows another transaction holds (where understood).
    """
    skip = skip_locked and has_skip_locked()
    if has_select_for_update_of():
        return queryset.select_for_update(of=("self",), skip_locked=skip)
    return queryset.select_for_update(skip_locked=skip)
