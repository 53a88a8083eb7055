"""Settings for the transaction of a bulk import on PostgreSQL (SET LOCAL: they end with it).

- synchronous_commit off: the commit returns before its WAL is flushed. A crash in that
  instant loses the whole import (never part of it), which the user sees as a failed job.
- wal_compression on (superusers only; skipped otherwise): after each checkpoint, the first
  change to every index page writes the full page to the WAL. A large import touches index
  pages all over, so those images are most of its WAL; compressed, the import wrote a third
  less and ran about a third faster on the benchmark machine (shared_buffers 128 MB).
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError


def bulk_settings(cursor: Any) -> None:
    """Apply the settings above to the current transaction (Django cursor, PostgreSQL)."""
    cursor.execute("SET LOCAL synchronous_commit = off")
    setting_try(cursor, "SET LOCAL wal_compression = on")


def setting_try(cursor: Any, statement: str) -> bool:
    """Run a SET that needs a privilege the role may lack; False (and no harm) when refused."""
    cursor.execute("SAVEPOINT accord_setting")
    try:
        cursor.execute(statement)
    except DatabaseError:
        cursor.execute("ROLLBACK TO SAVEPOINT accord_setting")
        return False
    finally:
        cursor.execute("RELEASE SAVEPOINT accord_setting")
    return True
