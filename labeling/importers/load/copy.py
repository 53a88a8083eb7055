"""One pass over an import on PostgreSQL: check each record and COPY it, in the caller's transaction.

Reading the file once halves the parsing of the old check-then-write passes. A child process
parses and checks (labeling.importers.load.copy_producer, run by labeling.importers.load.child_process) while
this process COPYs the batches it hands over (labeling.importers.load.copy_batches), so the two
use both cores. All or nothing still holds because everything runs inside one transaction: at
the first problem nothing more is written, the rest of the file is still checked (so every
problem is reported, up to MAX_ERRORS), and the caller raises ImportFailed, which rolls the
transaction back. Ids already in the project are looked up batch by batch, only when the
project had items before the import (a new project cannot clash with itself).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import connection

from labeling.importers.load import fk_checks
from labeling.importers.load.child_process import forked
from labeling.importers.load.copy_batches import BatchCopier, CopyBatch
from labeling.importers.load.copy_lines import copy_tables
from labeling.importers.load.copy_producer import ParsePlan, parsed_batches
from labeling.importers.load.transaction_settings import bulk_settings
from labeling.importers.parse.checks import MAX_ERRORS, CheckResult
from labeling.importers.parse.stream import RecordStream
from labeling.models import Item, Project

FORK_MIN_BYTES = 1 << 20  # smaller files are parsed in this process: a fork would not pay

Progress = Callable[[int, int], None]
Resolve = Callable[[set[str]], dict[str, int]]  # annotator names -> user ids (creates unknown ones)


def records_copy(
    opened: RecordStream, *, project: Project, dedupe: bool, now: datetime, resolve: Resolve, progress: Progress | None
) -> tuple[CheckResult, dict[str, int]]:
    """Check and COPY every record of `opened`; returns the problems (if any) and the annotator ids used.

    On problems the caller must roll back: rows of the batches before the first one are written.
    """
    tables = copy_tables(project.pk, now)
    with connection.cursor() as cursor:
        bulk_settings(cursor)
        bypass = fk_checks.triggers_off(cursor, project.pk)
    plan = ParsePlan(opened, project, dedupe, project_has_items(project), tables, now)
    annotator_ids: dict[str, int] = {}
    result = CheckResult()
    parsing = forked(lambda: parsed_batches(plan), fork=opened.total >= FORK_MIN_BYTES)
    # psycopg2's errors become Django's (IntegrityError and so on), as through a Django cursor.
    with connection.wrap_database_errors, connection.connection.cursor() as raw, parsing as batches:
        copier = BatchCopier(raw, project_id=project.pk, tables=tables, annotator_ids=annotator_ids)
        for parsed in batches:
            result.errors += parsed.errors
            result.items, result.annotations, result.predictions = parsed.items, parsed.annotations, parsed.predictions
            if result.errors:
                copier.stop()
            if not copier.stopped:
                _annotators_add(parsed.lines, annotator_ids, resolve, bypass)
            copier.write(parsed.lines)
            if len(result.errors) + len(copier.found) >= MAX_ERRORS:
                break
            if progress is not None:
                progress(parsed.position, parsed.total)
    result.errors = sorted((result.errors + copier.found)[:MAX_ERRORS], key=lambda error: error.line)
    result.tally = copier.tally
    if bypass and not result.errors:
        with connection.cursor() as cursor:
            fk_checks.triggers_on(cursor)
            fk_checks.references_check(cursor, user_ids=set(annotator_ids.values()))
    return result, annotator_ids


def project_has_items(project: Project) -> bool:
    """Whether ids of the file must be looked up (a concurrent clash fails the COPY instead)."""
    return Item.objects.filter(project=project).exists()


def _annotators_add(lines: CopyBatch, annotator_ids: dict[str, int], resolve: Resolve, bypass: bool) -> None:
    """Add the user ids of annotator names the batch is the first to use (creating users if needed)."""
    new = {name for _, name, _ in lines.annotations if name not in annotator_ids}
    if not new:
        return
    with connection.cursor() as cursor:
        if bypass:
            fk_checks.triggers_on(cursor)
        annotator_ids.update(resolve(new))
        if bypass:
            fk_checks.triggers_off_again(cursor)
