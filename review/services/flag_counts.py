"""Live flags per reason of each project (review.ProjectFlagCount), kept by every flag write.

Live means open or in review (the dashboard's "open flags"). Writers collect the moves of one
operation in a `FlagTally` and flush it once, after their item and flag row locks, in one
sorted statement (labeling.db.counters), so concurrent writers cannot deadlock over these rows.
Rows are sharded by item id; a shard may go negative, only the sum over shards means anything.
Items deleted by labeling take their flags with them: labeling then asks for
`flag_counts_rebuild` by task name (review.rebuild_flag_counts).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Count

from labeling.db.counters import counters_add
from review.choices import FlagReason, FlagStatus
from review.models import Flag, ProjectFlagCount

SHARDS = 8
LIVE = (FlagStatus.OPEN, FlagStatus.IN_REVIEW)
KEY_COLUMNS = ("project_id", "shard", "reason")


class FlagTally:
    """Moves of live flags in one operation, {(shard, reason): delta}."""

    def __init__(self) -> None:
        self.deltas: dict[tuple[int, str], int] = defaultdict(int)

    def add(self, item_id: int, reason: str, delta: int) -> None:
        self.deltas[(item_id % SHARDS, reason)] += delta

    def status(self, item_id: int, reason: str, before: str | None, after: str | None) -> None:
        """A flag of the item went from status `before` to `after` (None: absent)."""
        delta = int(after in LIVE) - int(before in LIVE)
        if delta:
            self.add(item_id, reason, delta)


def flag_tally_flush(*, project_id: int, tally: FlagTally) -> None:
    """Write the tally (inside the operation's transaction) and empty it."""
    deltas = {(project_id, shard, reason): delta for (shard, reason), delta in tally.deltas.items()}
    counters_add(ProjectFlagCount, KEY_COLUMNS, deltas)
    tally.deltas.clear()


def flag_counts_full(project_id: int) -> dict[str, int]:
    """Live flags per reason counted from the flags (the check; reads every live flag)."""
    rows = (
        Flag.objects.filter(project_id=project_id, status__in=LIVE)
        .values("reason")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["reason"]: row["n"] for row in rows}


@transaction.atomic
def flag_counts_rebuild(*, project_id: int) -> dict[str, int]:
    """Set the project's counters to a full count; safe while flags are being written.

    Every (shard, reason) row is made to exist and locked first, so a writer's flush waits
    for this commit: a flag it wrote before the count is counted here (its flush had to wait
    for nothing, or committed before), one it writes after adds its own delta later.
    """
    reasons = sorted({*FlagReason.values, *_stored_reasons(project_id)})
    ProjectFlagCount.objects.bulk_create(
        [
            ProjectFlagCount(project_id=project_id, shard=shard, reason=reason, n=0)
            for reason in reasons
            for shard in range(SHARDS)
        ],
        ignore_conflicts=True,
    )
    rows = ProjectFlagCount.objects.select_for_update().filter(project_id=project_id)
    list(rows.order_by("project_id", "shard", "reason").values_list("pk", flat=True))
    found = flag_counts_full(project_id)
    rows.exclude(shard=0).update(n=0)
    for reason in reasons:
        rows.filter(shard=0, reason=reason).update(n=found.get(reason, 0))
    return found


def _stored_reasons(project_id: int) -> set[str]:
    return set(
        Flag.objects.filter(project_id=project_id, status__in=LIVE)
        .values_list("reason", flat=True)
        .distinct()
    )
