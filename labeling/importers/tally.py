"""What an import adds to the project counters (labeling.services.counts.items_imported).

Kept while the records stream past (in the parsing process on the one-pass path, carried with
each batch), so the counters need no read of the rows written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass
class ImportTally:
    sizes: dict[int, int] = field(default_factory=dict)  # annotations per item -> items
    days: dict[str, int] = field(default_factory=dict)  # UTC day ("" = undated) -> annotations

    def add(self, annotations: Sequence[Any]) -> None:
        """One item with these annotation records (each with an optional `created_at`)."""
        count = len(annotations)
        self.sizes[count] = self.sizes.get(count, 0) + 1
        if not count:
            return
        dated = 0
        for annotation in annotations:
            if annotation.created_at is not None:
                day = _utc_day(annotation.created_at)
                self.days[day] = self.days.get(day, 0) + 1
                dated += 1
        if count > dated:
            self.days[""] = self.days.get("", 0) + count - dated

    def merge(self, other: ImportTally) -> None:
        for size, items in other.sizes.items():
            self.sizes[size] = self.sizes.get(size, 0) + items
        for day, given in other.days.items():
            self.days[day] = self.days.get(day, 0) + given


def _utc_day(moment: datetime) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).date().isoformat()
