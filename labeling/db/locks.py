"""Advisory locks (PostgreSQL), transaction-scoped, all from one registry of keys.

Every lock here is `pg_advisory_xact_lock(kind, key)`: the first key says what is locked (a
`LockKind`; never reuse a number, and never take an advisory lock outside this module, so two
features cannot collide), the second which one (a project id, a hash of a batch). The lock is
held until the transaction ends. Other databases serialise write transactions anyway (SQLite),
so there it is a no-op.
"""

from __future__ import annotations

import zlib
from enum import IntEnum

from django.db import connection


class LockKind(IntEnum):
    """The first key of every advisory lock. 1-3 are unused (never taken by this code)."""

    AGREEMENT_RUN = 4  # review: one agreement run of a project writes at a time (key: project id)
    PRELABEL_BATCH = 5  # labeling: two deliveries of one pre-label batch (key: text_key)


def text_key(text: str) -> int:
    """A second key (signed 32-bit, as PostgreSQL's int4 needs) from text, by CRC-32."""
    key = zlib.crc32(text.encode())
    return key - (1 << 32) if key >= 1 << 31 else key


def xact_lock(kind: LockKind, key: int) -> None:
    """Wait for, then hold until commit or rollback, the advisory lock (kind, key)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [int(kind), key])
