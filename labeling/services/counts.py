"""Project counters (labeling.ProjectCount): every write that changes an item's state or adds
annotations moves them in its own transaction, so the dashboard and lists read O(1) figures.

States are (settled, target overlap or 0, annotation count); `Tally` collects the deltas of
one operation and `tally_flush` writes them in one sorted statement (labeling.db.counters),
at the end of the operation, after its item row locks: counter rows are always locked after
item rows and in one order, so concurrent writers cannot deadlock over them. A shard's row
may go negative (imports and deletes use any shard); only the sum over shards means anything.
`project_counts_rebuild` recomputes every counter from the items and annotations: the check
the tests hold the incremental values to, and the build of projects made before the counters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime

from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.functions import Mod, TruncDate

from labeling.db.backend import lock_own_rows
from labeling.db.counters import counters_add, submit_count
from labeling.models import Annotation, Item, ProjectCount

SHARDS = 8
KEY_COLUMNS = ("project_id", "shard", "key")
State = tuple[bool, int, int]  # (settled, target overlap or 0 for the project's, annotations)


def state_key(state: State) -> str:
    settled, target, count = state
    return f"i:{int(settled)}:{target}:{count}"


def day_key(day: date) -> str:
    return f"d:{day.isoformat()}"


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


class Tally:
    """Counter deltas of one operation, {(shard, key): delta}."""

    def __init__(self) -> None:
        self.deltas: dict[tuple[int, str], int] = defaultdict(int)

    def add(self, shard: int, key: str, delta: int) -> None:
        self.deltas[(shard % SHARDS, key)] += delta

    def move(self, item_id: int, before: State | None, after: State | None) -> None:
        """The item left state `before` (None: it was new) for `after` (None: deleted)."""
        if before == after:
            return
        if before is not None:
            self.add(item_id, state_key(before), -1)
        if after is not None:
            self.add(item_id, state_key(after), 1)

    def moves(self, before: Mapping[int, State], after: Mapping[int, State]) -> None:
        for item_id in before.keys() | after.keys():
            self.move(item_id, before.get(item_id), after.get(item_id))


def tally_flush(*, project_id: int, tally: Tally) -> None:
    """Add the tally to the project's counters (call inside the operation's transaction)."""
    deltas = {(project_id, shard, key): delta for (shard, key), delta in tally.deltas.items()}
    counters_add(ProjectCount, KEY_COLUMNS, deltas)
    tally.deltas.clear()


def item_states(ids: Iterable[int]) -> dict[int, State]:
    """The current state of each item (callers hold the rows' locks when it must not change)."""
    settled = ExpressionWrapper(Q(final_value__isnull=False), output_field=BooleanField())
    rows = Item.objects.filter(pk__in=list(ids)).annotate(settled=settled)
    return {
        pk: (bool(is_settled), target or 0, count)
        for pk, is_settled, target, count in rows.values_list(
            "pk", "settled", "target_overlap", "annotation_count"
        )
    }


def items_state_sync(*, project_id: int, before: Mapping[int, State]) -> None:
    """Move the counters of items whose state was `before` to their state now."""
    tally = Tally()
    tally.moves(before, item_states(before))
    tally_flush(project_id=project_id, tally=tally)


def annotation_counted(*, project_id: int, item_id: int, now: datetime) -> None:
    """A submit added an annotation to the item (whose row lock this transaction holds): one
    prepared statement reads its state and moves the counters (the submit's hot path)."""
    submit_count(
        project_id=project_id, shard=item_id % SHARDS, item_id=item_id,
        day_key=day_key(utc_day(now)), counts=ProjectCount, items=Item,
    )


def items_imported(
    *, project_id: int, sizes: Mapping[int, int], days: Mapping[str, int], now: datetime
) -> None:
    """An import added items: `sizes` {annotations per item: items}, `days` {ISO day or "": the
    import's annotations created that day ("" = undated, i.e. created `now`)}."""
    tally = Tally()
    for count, items in sizes.items():
        tally.add(0, state_key((False, 0, count)), items)
    for day, given in days.items():
        tally.add(0, day_key(date.fromisoformat(day) if day else utc_day(now)), given)
    tally_flush(project_id=project_id, tally=tally)


def items_deleting(*, project_id: int, ids: list[int]) -> None:
    """Take these items (about to be deleted in this transaction) and their annotations out.

    Locks the items first (pk order), so no submit moves them between this read and the delete.
    """
    list(lock_own_rows(Item.objects.filter(pk__in=ids).order_by("pk")).values_list("pk", flat=True))
    tally = Tally()
    tally.moves(item_states(ids), {})
    days = (
        Annotation.objects.filter(item_id__in=ids)
        .annotate(shard=Mod("item_id", SHARDS), day=TruncDate("created_at", tzinfo=UTC))
        .values("shard", "day")
        .annotate(n=Count("id"))
    )
    for row in days:
        tally.add(row["shard"], day_key(row["day"]), -row["n"])
    tally_flush(project_id=project_id, tally=tally)


def project_counts_full(project_id: int) -> dict[str, int]:
    """Every counter of the project recomputed from its items and annotations (scans it)."""
    settled = ExpressionWrapper(Q(final_value__isnull=False), output_field=BooleanField())
    found: dict[str, int] = defaultdict(int)
    states = (
        Item.objects.filter(project_id=project_id)
        .annotate(settled=settled)
        .values("settled", "target_overlap", "annotation_count")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in states:
        key = state_key((bool(row["settled"]), row["target_overlap"] or 0, row["annotation_count"]))
        found[key] += row["n"]
    days = (
        Annotation.objects.filter(project_id=project_id)
        .annotate(day=TruncDate("created_at", tzinfo=UTC))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in days:
        found[day_key(row["day"])] += row["n"]
    return dict(found)


@transaction.atomic
def project_counts_rebuild(*, project_id: int) -> dict[str, int]:
    """Replace the project's counters by a full recompute; returns it.

    Exact when no other write to the project runs meanwhile (the migration that builds the
    counters of existing projects, the tests' check, an operator's repair).
    """
    found = project_counts_full(project_id)
    ProjectCount.objects.filter(project_id=project_id).delete()
    ProjectCount.objects.bulk_create(
        [ProjectCount(project_id=project_id, shard=0, key=key, n=n) for key, n in found.items()]
    )
    return found
