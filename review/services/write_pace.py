"""Pace a long run of short write transactions so SQLite's single writer slot is shared.

SQLite lets one connection write at a time; a connection that finds the file locked sleeps in
its busy handler (up to 100 ms between tries) until its timeout. A background job that commits
and at once begins its next write transaction keeps the slot almost all the time, and an
annotator's submit can wait the whole timeout. After each commit the job leaves the slot free
for longer than one such sleep, so a waiting submit always gets in after at most one batch.
PostgreSQL locks rows, not the database: no pause there, nor inside an outer transaction.
"""

from __future__ import annotations

import time

from labeling.db.backend import short_write_transactions

# Longer than the busy handler's longest sleep between tries (100 ms).
SQLITE_WRITE_PAUSE_S = 0.11


def write_pause() -> None:
    """Sleep SQLITE_WRITE_PAUSE_S after a commit on SQLite (outside any transaction)."""
    if short_write_transactions():
        time.sleep(SQLITE_WRITE_PAUSE_S)
