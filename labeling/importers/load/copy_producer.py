"""The parsing half of a one-pass import: read, check and turn records into COPY lines.

Touches no database, so it can run in a child process (labeling.importers.load.child_process). Each
`ParsedBatch` carries the lines of up to BATCH_ITEMS consecutive items, the problems found
since the last batch, and how far the file was read. After the first problem no more lines
are built (nothing will be written), but the file is still checked to report every problem,
up to MAX_ERRORS, and the ids are still handed over to be looked up in the project.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from labeling.importers.load.copy_batches import CopyBatch
from labeling.importers.load.copy_lines import LineBuilder
from labeling.importers.load.copy_table import CopyTable
from labeling.importers.parse.checks import MAX_ERRORS, CheckResult, record_problems
from labeling.importers.parse.records import RowError
from labeling.importers.parse.seen_ids import SeenIds
from labeling.importers.parse.stream import RecordStream
from labeling.models import Project

BATCH_ITEMS = 10_000


@dataclass
class ParsedBatch:
    lines: CopyBatch
    errors: list[RowError] = field(default_factory=list)  # found since the previous batch
    position: int = 0  # bytes read
    total: int = 0  # bytes in the file
    items: int = 0  # records read so far, and what they hold
    annotations: int = 0
    predictions: int = 0


@dataclass
class ParsePlan:
    """What the parser needs; built in the parent, used as is by the forked child."""

    opened: RecordStream
    project: Project
    dedupe: bool
    look_up: bool  # hand each id over to be looked up in the project
    tables: dict[str, CopyTable]
    now: datetime


def parsed_batches(plan: ParsePlan) -> Iterator[ParsedBatch]:
    """Yield the file's batches; the last one (possibly empty) ends the file or the checking."""
    project, opened = plan.project, plan.opened
    builder = LineBuilder(plan.tables, plan.now)
    result, seen, lines, reported = CheckResult(), SeenIds(), CopyBatch(), 0

    def batch() -> ParsedBatch:
        nonlocal lines, reported
        done = ParsedBatch(lines, result.errors[reported:], opened.position(), opened.total)
        done.items, done.annotations, done.predictions = result.items, result.annotations, result.predictions
        lines, reported = CopyBatch(), len(result.errors)
        return done

    for record in opened.records:
        if isinstance(record, RowError):
            result.errors.append(record)
        else:
            record_problems(record, project, plan.dedupe, opened, seen, result)
            if plan.look_up:
                lines.lookups[record.external_id] = record.line
            if not result.errors:
                builder.add(lines, record)
        if len(result.errors) >= MAX_ERRORS:
            break
        if result.items % BATCH_ITEMS == 0 and (lines.items or lines.lookups):
            yield batch()
    yield batch()
