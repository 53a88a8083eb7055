"""The COPY side of a one-pass PostgreSQL import: a thread that writes batches of ready lines.

The main thread parses and checks the file and hands over `CopyBatch`es of COPY text lines
without ids; this thread takes item ids from the sequence, prefixes them, and COPYs items,
annotations and predictions on the import's own (transactional) connection. PostgreSQL works
on one core while Python parses on the other. The main thread must not use the database
between handing over a batch and `drain()`/`close()` returning (psycopg2 shares the raw
connection across threads, Django's wrapper does not).
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from labeling.importers.copy_rows import CopyTable
from labeling.importers.records import RowError

# The ids of a batch, in one row: usually a contiguous range, so nothing per id comes back.
_RESERVE = (
    "SELECT min(v), max(v), count(*) FROM (SELECT nextval(%s::regclass) AS v FROM generate_series(1, %s)) AS taken"
)
_EXISTING = "SELECT external_id FROM labeling_item WHERE project_id = %s AND external_id = ANY(%s)"


@dataclass
class CopyBatch:
    """COPY lines of consecutive items; children point at their item by index in `items`."""

    items: list[str] = field(default_factory=list)
    annotations: list[tuple[int, str, str]] = field(default_factory=list)  # (item, annotator, rest)
    predictions: list[tuple[int, str]] = field(default_factory=list)  # (item, rest)
    lookups: dict[str, int] = field(default_factory=dict)  # external id -> line, to find in the project


class CopyStream:
    """Write batches in a background thread; `close()` waits and returns ids found in the project.

    `annotator_ids` maps names to user ids; the main thread adds names (after `drain()`)
    before it hands over a batch that uses them. After the first id found in the project
    (or after `stop()`), batches are only looked up, never written.
    """

    def __init__(self, *, project_id: int, tables: dict[str, CopyTable], annotator_ids: dict[str, int]) -> None:
        self.project_id = project_id
        self.tables = tables
        self.annotator_ids = annotator_ids
        self.found: list[RowError] = []
        self.stopped = False
        self.error: BaseException | None = None
        self.raw = connection.connection
        self.batches: queue.Queue[CopyBatch | None] = queue.Queue(maxsize=2)
        self.thread = threading.Thread(target=self._run, name="import-copy", daemon=True)
        self.thread.start()

    def put(self, batch: CopyBatch) -> None:
        self._raise()
        self.batches.put(batch)

    def drain(self) -> None:
        """Wait until every batch handed over is written (the connection is then free)."""
        self.batches.join()
        self._raise()

    def stop(self) -> None:
        """Write nothing more (the import failed); lookups still run to report every clash."""
        self.stopped = True

    def close(self) -> list[RowError]:
        if self.thread.is_alive():
            self.batches.put(None)
            self.thread.join()
        self._raise()
        return self.found

    def abort(self) -> None:
        """After a failure elsewhere: end the thread without raising its error (if any)."""
        self.stopped = True
        if self.thread.is_alive():
            self.batches.put(None)
            self.thread.join()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            with connection.wrap_database_errors:  # psycopg2 errors -> django.db errors
                raise error

    def _run(self) -> None:
        with self.raw.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [self.tables["items"].table])
            sequence = cursor.fetchone()[0]
            while (batch := self.batches.get()) is not None:
                try:
                    if self.error is None:
                        self._write(cursor, batch, sequence)
                except BaseException as error:  # handed to the main thread by _raise
                    self.error = error
                    self.stopped = True
                finally:
                    self.batches.task_done()
            self.batches.task_done()

    def _write(self, cursor: Any, batch: CopyBatch, sequence: str) -> None:
        if batch.lookups:
            cursor.execute(_EXISTING, [self.project_id, list(batch.lookups)])
            clashes = [row[0] for row in cursor.fetchall()]
            for external_id in clashes:
                message = f"id {external_id} already exists in the project"
                self.found.append(RowError(batch.lookups[external_id], message))
            self.stopped = self.stopped or bool(clashes)
        if self.stopped or not batch.items:
            return
        ids = ids_take(cursor, sequence, len(batch.items))
        self.tables["items"].copy_text(cursor, "".join(map("{}\t{}".format, ids, batch.items)))
        if batch.annotations:
            users = self.annotator_ids
            lines = [f"{ids[item]}\t{users[name]}\t{rest}" for item, name, rest in batch.annotations]
            self.tables["annotations"].copy_text(cursor, "".join(lines))
        if batch.predictions:
            lines = [f"{ids[item]}\t{rest}" for item, rest in batch.predictions]
            self.tables["predictions"].copy_text(cursor, "".join(lines))


def ids_take(cursor: Any, sequence: str, count: int) -> range | list[int]:
    """`count` ids from `sequence`; a range unless other sessions took ids meanwhile.

    Fetching one row per id costs more than COPYing the row, hence min/max/count first.
    """
    cursor.execute(_RESERVE, [sequence, count])
    low, high, taken = cursor.fetchone()
    if high - low + 1 == taken:
        return range(low, high + 1)
    cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
    return [row[0] for row in cursor.fetchall()]
