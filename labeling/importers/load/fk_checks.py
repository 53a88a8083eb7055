"""Foreign-key checks of a bulk import, done once per referenced row instead of once per row.

PostgreSQL checks a foreign key with one query per inserted row (about 4 us each); an import
of 1M items with 1M annotations runs 4M of them, more than the COPY itself. When the role
may set `session_replication_role` (a superuser, or `GRANT SET ON PARAMETER
session_replication_role` on PostgreSQL 15+), the import's transaction turns the per-row
triggers off while it COPYs and checks the same references itself before commit:

- project: the row is locked FOR KEY SHARE before the first COPY, as each trigger would;
- annotators: every user id used is locked FOR KEY SHARE and must exist;
- items of annotations and predictions: a batch's child rows get their item ids from the
  same list the batch's items were just COPYed with, in this transaction, by the same code
  (labeling.importers.load.copy_batches); a failed item COPY aborts the transaction before any
  child row is sent, and rows not yet committed cannot be deleted by anyone else. (An
  anti-join over every new row proved this again at the end: about 2 s of a 1M-item import,
  serial, for no possible finding.)

The setting is SET LOCAL: it ends with the transaction, commit or rollback. Without the
privilege the triggers run as usual, immediately, so they overlap with parsing.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DatabaseError

from labeling.db.executor import table
from labeling.importers.load.transaction_settings import setting_try
from labeling.models import Project

logger = logging.getLogger(__name__)

def triggers_off(cursor: Any, project_id: int) -> bool:
    """Lock the project, then turn per-row FK triggers off for this transaction if allowed."""
    cursor.execute(f"SELECT id FROM {table(Project)} WHERE id = %s FOR KEY SHARE", [project_id])  # noqa: S608 - quoted table, values bound
    if cursor.fetchone() is None:
        raise DatabaseError(f"project {project_id} no longer exists")
    if setting_try(cursor, "SET LOCAL session_replication_role = replica"):
        return True
    logger.info("no privilege to set session_replication_role; foreign keys are checked per row")
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return False


def triggers_on(cursor: Any) -> None:
    """Back to normal triggers (for rows written by the ORM in between, and after the COPYs)."""
    cursor.execute("SET LOCAL session_replication_role = origin")


def triggers_off_again(cursor: Any) -> None:
    cursor.execute("SET LOCAL session_replication_role = replica")


def references_check(cursor: Any, *, user_ids: set[int]) -> None:
    """Raise DatabaseError unless every annotator the import used still exists (and lock them)."""
    users = table(get_user_model())
    cursor.execute(f"SELECT id FROM {users} WHERE id = ANY(%s) FOR KEY SHARE", [sorted(user_ids)])  # noqa: S608 - quoted table, values bound
    missing = user_ids - {row[0] for row in cursor.fetchall()}
    if missing:
        raise DatabaseError(f"annotators {sorted(missing)} were deleted during the import")
