"""The loading half of a one-pass import: COPY batches of ready lines on the import's connection.

Lines come without ids (labeling.importers.load.copy_producer builds them, possibly in another
process): `BatchCopier` takes each batch's item ids from the sequence, prefixes them, and
COPYs items, annotations and predictions inside the import's transaction. It also looks up
the batch's external ids in the project when asked; after the first id found there (or once
told to stop), batches are only looked up, never written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from labeling.db.executor import table
from labeling.importers.load.copy_table import CopyTable
from labeling.importers.parse.records import RowError
from labeling.importers.tally import ImportTally
from labeling.models import Item

# The ids of a batch, in one row: usually a contiguous range, so nothing per id comes back.
_RESERVE = (
    "SELECT min(v), max(v), count(*) FROM (SELECT nextval(%s::regclass) AS v FROM generate_series(1, %s)) AS taken"
)
_EXISTING = f"SELECT external_id FROM {table(Item)} WHERE project_id = %s AND external_id = ANY(%s)"  # noqa: S608 - quoted table, values bound


@dataclass
class CopyBatch:
    """COPY lines of consecutive items; children point at their item by index in `items`."""

    items: list[str] = field(default_factory=list)
    annotations: list[tuple[int, str, str]] = field(default_factory=list)  # (item, annotator, rest)
    predictions: list[tuple[int, str]] = field(default_factory=list)  # (item, rest)
    lookups: dict[str, int] = field(default_factory=dict)  # external id -> line, to find in the project
    tally: ImportTally = field(default_factory=ImportTally)  # for the project counters


class BatchCopier:
    """Write batches with a raw psycopg2 cursor; `found` collects ids already in the project.

    `annotator_ids` maps names to user ids; the caller adds every name a batch uses before
    handing it over.
    """

    def __init__(self, cursor: Any, *, project_id: int, tables: dict[str, CopyTable], annotator_ids: dict[str, int]) -> None:
        self.cursor = cursor
        self.project_id = project_id
        self.tables = tables
        self.annotator_ids = annotator_ids
        self.found: list[RowError] = []
        self.tally = ImportTally()  # of the batches written
        self.stopped = False
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [tables["items"].table])
        self.sequence = cursor.fetchone()[0]

    def stop(self) -> None:
        """Write nothing more (the import failed); lookups still run to report every clash."""
        self.stopped = True

    def write(self, batch: CopyBatch) -> None:
        cursor = self.cursor
        if batch.lookups:
            cursor.execute(_EXISTING, [self.project_id, list(batch.lookups)])
            clashes = [row[0] for row in cursor.fetchall()]
            for external_id in clashes:
                self.found.append(RowError(batch.lookups[external_id], f"id {external_id} already exists in the project"))
            self.stopped = self.stopped or bool(clashes)
        if self.stopped or not batch.items:
            return
        ids = ids_take(cursor, self.sequence, len(batch.items))
        self.tally.merge(batch.tally)
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
