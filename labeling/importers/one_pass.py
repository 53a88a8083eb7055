"""One pass over an import on PostgreSQL: check each record and COPY it, in the caller's transaction.

Reading the file once halves the parsing of the old check-then-write passes. All or nothing
still holds because everything runs inside one transaction: at the first problem the COPY
thread stops writing, the rest of the file is still checked (so every problem is reported,
up to MAX_ERRORS), and the caller raises ImportFailed, which rolls the transaction back.
Ids already in the project are looked up by the COPY thread, batch by batch, only when the
project had items before the import (a new project cannot clash with itself).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import connection

from labeling.importers import fk_checks
from labeling.importers.bulk_session import bulk_settings
from labeling.importers.check import MAX_ERRORS, PROGRESS_EVERY, CheckResult, record_problems
from labeling.importers.copy_lines import LineBuilder, copy_tables
from labeling.importers.copy_stream import CopyBatch, CopyStream
from labeling.importers.records import RowError
from labeling.importers.sources import RecordStream
from labeling.models import Item, Project

BATCH_ITEMS = 10_000

Progress = Callable[[int, int], None]
Resolve = Callable[[set[str]], dict[str, int]]  # annotator names -> user ids (creates unknown ones)


def records_copy(
    opened: RecordStream, *, project: Project, dedupe: bool, now: datetime, resolve: Resolve, progress: Progress | None
) -> tuple[CheckResult, dict[str, int]]:
    """Check and COPY every record; returns the problems (if any) and the annotator ids used.

    On problems the caller must roll back: rows of the batches before the first one are written.
    """
    tables = copy_tables(project.pk, now)
    with connection.cursor() as cursor:
        bulk_settings(cursor)
        bypass = fk_checks.triggers_off(cursor, project.pk)
        since = fk_checks.last_ids(cursor) if bypass else {}
    look_up = project_has_items(project)
    annotator_ids: dict[str, int] = {}
    stream = CopyStream(project_id=project.pk, tables=tables, annotator_ids=annotator_ids)
    builder = LineBuilder(tables, now)
    result, seen, batch = CheckResult(), set[str](), CopyBatch()
    try:
        for record in opened.records:
            if isinstance(record, RowError):
                result.errors.append(record)
            else:
                record_problems(record, project, dedupe, opened, seen, result)
                if look_up:
                    batch.lookups[record.external_id] = record.line
                if not result.errors:
                    builder.add(batch, record)
            if result.errors and not stream.stopped:
                stream.stop()
            if len(result.errors) + len(stream.found) >= MAX_ERRORS:
                break
            if result.items % BATCH_ITEMS == 0 and (batch.items or batch.lookups):
                _hand_over(stream, batch, annotator_ids, resolve, bypass)
                batch = CopyBatch()
            if progress is not None and result.items % PROGRESS_EVERY == 0:
                progress(opened.position(), opened.total)
        _hand_over(stream, batch, annotator_ids, resolve, bypass)
        found = stream.close()
    finally:
        stream.abort()
    result.errors = sorted((result.errors + found)[:MAX_ERRORS], key=lambda error: error.line)
    if bypass and not result.errors:
        with connection.cursor() as cursor:
            fk_checks.triggers_on(cursor)
            fk_checks.references_check(cursor, project_id=project.pk, user_ids=set(annotator_ids.values()), since=since)
    return result, annotator_ids


def project_has_items(project: Project) -> bool:
    """Whether ids of the file must be looked up (a concurrent clash fails the COPY instead)."""
    return Item.objects.filter(project=project).exists()


def _hand_over(stream: CopyStream, batch: CopyBatch, annotator_ids: dict[str, int], resolve: Resolve, bypass: bool) -> None:
    """Give the batch to the COPY thread, first creating users for annotator names not seen yet."""
    new = {name for _, name, _ in batch.annotations if name not in annotator_ids}
    if new:
        stream.drain()  # the ORM needs the connection: let the COPY thread finish first
        with connection.cursor() as cursor:
            if bypass:
                fk_checks.triggers_on(cursor)
            annotator_ids.update(resolve(new))
            if bypass:
                fk_checks.triggers_off_again(cursor)
    if batch.items or batch.lookups:
        stream.put(batch)
