"""Per-item value counts and their project sums: the headline agreement without a full run.

Each submit's task (item_recompute) calls ``item_counts_refresh``: it recomputes that item's
counts from its annotations and moves the project's sums (review.metrics.counts) by the
difference, under the project row's lock, so it is idempotent and O(labels per item).
``project_counts_rebuild`` recomputes everything from the annotations; it runs once per
project (the first submit after this table appeared, or after a schema change): inline while
the project has at most INLINE_REBUILD_LIMIT annotations, else in a task of its own
(review.rebuild_agreement_counts, one in flight per project) while the headline falls back to
the latest snapshot. It is also the check the tests hold the incremental sums to.
Single, multi and rating projects only. The reads of the sums are in
review.selectors.agreement_counts.

Beside the sums, the same lock moves the report's statistics (ProjectAgreementStat, see
review.metrics.report_stats: count patterns, annotator-pair value counts, per-annotator value
counts) by the difference between the item's stored labels (ItemAgreementCounts.labels,
{value key: annotator ids}) and its current ones, so the project report's exact sections need
no annotation read (review.services.agreement.project_report).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from labeling import task_names
from labeling.db.backend import is_postgresql
from labeling.events import send_after_commit
from labeling.models import Annotation, Project
from review.loaders.annotations import schema_spec
from review.metrics.counts import Totals, totals_add
from review.metrics.inputs import SchemaSpec
from review.metrics.report_stats import (
    Delta,
    contributions,
    difference,
    key_digest,
    labels_of,
    sample_hash,
    who_gave,
)
from review.models import ItemAgreementCounts, ProjectAgreementCounts, ProjectAgreementStat
from review.selectors.agreement_counts import KINDS, fingerprint
from review.services.agreement_counts_sql import (
    analyze,
    item_counts_insert,
    keys_table,
    keys_table_drop,
    stat_rows,
    stats_add,
    totals_from_items,
)

BATCH = 5000
INLINE_REBUILD_LIMIT = 10_000  # annotations; larger projects build their sums in a task
REBUILD_TASK = task_names.REBUILD_AGREEMENT_COUNTS
REBUILD_KEY = "review:agreement-counts-rebuild:{project_id}"
REBUILD_LOCK_S = 3600  # a rebuild that died frees its project after this long


def value_key(spec: SchemaSpec, value: Any) -> str | None:
    """The value's key as the full report codes it (review.loaders.annotations); None when it
    drops out."""
    content = value if isinstance(value, dict) else {}
    if spec.kind == "single":
        label = content.get("label")
        return label if isinstance(label, str) and label in spec.labels else None
    if spec.kind == "rating":
        point = content.get("rating")
        if spec.scale is None or isinstance(point, bool) or not isinstance(point, int):
            return None
        return str(point) if spec.scale[0] <= point <= spec.scale[1] else None
    given = content.get("labels")
    chosen = set(given) if isinstance(given, list) else set()
    return json.dumps([label for label in spec.labels if label in chosen])


def item_labels(spec: SchemaSpec, rows: Iterable[tuple[int, Any]]) -> dict[str, str]:
    """{annotator id (text): value key} of an item's (annotator id, value) rows that count."""
    labels = {}
    for annotator_id, value in rows:
        key = value_key(spec, value)
        if key is not None:
            labels[str(annotator_id)] = key
    return labels


def item_counts(spec: SchemaSpec, values: Iterable[Any]) -> dict[str, int]:
    """{value key: how many of the values carry it}."""
    counts: dict[str, int] = defaultdict(int)
    for value in values:
        key = value_key(spec, value)
        if key is not None:
            counts[key] += 1
    return dict(counts)


def _locked_row(project_id: int) -> ProjectAgreementCounts:
    """The project's sums row, created when missing, locked for this transaction."""
    row = ProjectAgreementCounts.objects.select_for_update().filter(project_id=project_id).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            ProjectAgreementCounts.objects.get_or_create(project_id=project_id)
    except IntegrityError:  # a rival created it between our read and insert
        pass
    return ProjectAgreementCounts.objects.select_for_update().get(project_id=project_id)


@transaction.atomic
def item_counts_refresh(*, item_id: int, project: Project) -> bool:
    """Bring the item's counts and the project's sums up to date; True when they changed.

    Builds the project's sums from every item first when they are not complete or were
    built for another schema.
    """
    spec = schema_spec(project.schema)
    if spec.kind not in KINDS:
        return False
    row = _locked_row(project.pk)
    if not row.complete or row.fingerprint != fingerprint(spec):
        if Annotation.objects.filter(project=project)[: INLINE_REBUILD_LIMIT + 1].count() > (
            INLINE_REBUILD_LIMIT
        ):
            rebuild_soon(project.pk)
            return False
        _rebuild(row, project, spec)
        return True
    rows = Annotation.objects.filter(item_id=item_id).values_list("annotator_id", "value")
    labels = item_labels(spec, rows)
    new = dict(Counter(labels.values()))
    stored = ItemAgreementCounts.objects.filter(item_id=item_id).first()
    old = stored.counts if stored is not None else {}
    old_labels = labels_of(stored.labels) if stored is not None else {}
    if old == new and old_labels == labels:
        return False
    totals_add(row.totals, old, -1)
    totals_add(row.totals, new, 1)
    stats_add(project.pk, difference(old_labels, labels))
    if stored is not None:
        ItemAgreementCounts.objects.filter(item_id=item_id).update(counts=new, labels=who_gave(labels))
    else:  # no rival can insert it: we hold the project row's lock
        ItemAgreementCounts.objects.create(
            item_id=item_id,
            project_id=project.pk,
            counts=new,
            labels=who_gave(labels),
            sample_hash=sample_hash(item_id),
        )
    row.save(update_fields=["totals", "updated_at"])
    return True


def rebuild_soon(project_id: int) -> None:
    """Send one rebuild after commit unless one is on its way (the task frees the key)."""
    key = REBUILD_KEY.format(project_id=project_id)
    send_after_commit(REBUILD_TASK, [project_id], at_most_every_s=REBUILD_LOCK_S, key=key)


@transaction.atomic
def project_counts_rebuild(*, project_id: int) -> ProjectAgreementCounts | None:
    """Recompute every item's counts and the project's sums from the annotations."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None or schema_spec(project.schema).kind not in KINDS:
        return None
    row = _locked_row(project_id)
    _rebuild(row, project, schema_spec(project.schema))
    return row


def _rebuild(row: ProjectAgreementCounts, project: Project, spec: SchemaSpec) -> None:
    """Rewrite the item rows and the sums (the caller holds the row's lock).

    On PostgreSQL in one INSERT ... SELECT (review.services.agreement_counts_sql); elsewhere,
    and as its check in the tests, by reading every annotation here (`rebuild_in_python`).
    """
    if not is_postgresql():
        rebuild_in_python(row, project, spec)
        return
    ItemAgreementCounts.objects.filter(project=project).delete()
    keys_table(project.pk, spec)
    item_counts_insert(project.pk)
    totals, patterns = totals_from_items(project.pk)
    stats = {**patterns, **stat_rows()}
    keys_table_drop()
    _stats_store(project, stats)
    analyze(ItemAgreementCounts)  # every row is new: the sample's plan needs fresh statistics
    row.totals, row.complete, row.fingerprint = totals, True, fingerprint(spec)
    row.save()


def _stats_store(project: Project, stats: Delta) -> None:
    """Replace the project's report statistics with ``stats``."""
    ProjectAgreementStat.objects.filter(project=project).delete()
    ProjectAgreementStat.objects.bulk_create(
        (
            ProjectAgreementStat(project=project, kind=kind, key=key, digest=key_digest(key), n=n)
            for (kind, key), n in stats.items()
            if n
        ),
        batch_size=BATCH,
    )


def rebuild_in_python(row: ProjectAgreementCounts, project: Project, spec: SchemaSpec) -> None:
    """The portable build: stream every annotation, count in Python, bulk-create the rows."""
    ItemAgreementCounts.objects.filter(project=project).delete()
    totals: Totals = {}
    alike: dict[tuple[tuple[str, int], ...], int] = defaultdict(int)  # few distinct count vectors
    stats: Counter[tuple[str, str]] = Counter()
    batch: list[ItemAgreementCounts] = []
    for item_id, labels in _project_item_labels(project, spec):
        counts = dict(Counter(labels.values()))
        alike[tuple(sorted(counts.items()))] += 1
        stats.update(contributions(labels))
        batch.append(
            ItemAgreementCounts(
                item_id=item_id,
                project=project,
                counts=counts,
                labels=who_gave(labels),
                sample_hash=sample_hash(item_id),
            )
        )
        if len(batch) >= BATCH:
            ItemAgreementCounts.objects.bulk_create(batch)
            batch = []
    ItemAgreementCounts.objects.bulk_create(batch)
    for counts, times in alike.items():
        totals_add(totals, dict(counts), times)
    _stats_store(project, dict(stats))
    row.totals, row.complete, row.fingerprint = totals, True, fingerprint(spec)
    row.save()


def _project_item_labels(project: Project, spec: SchemaSpec) -> Iterable[tuple[int, dict[str, str]]]:
    """(item id, labels) for every item with an annotation, streamed in item order."""
    rows = (
        Annotation.objects.filter(project=project)
        .order_by("item_id")
        .values_list("item_id", "annotator_id", "value")
        .iterator(chunk_size=BATCH)
    )
    current, values = None, []
    for item_id, annotator_id, value in rows:
        if item_id != current and current is not None:
            yield current, item_labels(spec, values)
            values = []
        current = item_id
        values.append((annotator_id, value))
    if current is not None:
        yield current, item_labels(spec, values)
