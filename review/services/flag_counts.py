"""Live flags per reason and status of each project (review.ProjectFlagCount), kept by every
flag write.

Live means open or in review: the dashboard shows both ("open flags"), the review queue the
open ones. Writers collect the moves of one operation in a `FlagTally` and flush it once,
after their item and flag row locks, in one sorted statement (labeling.db.counters), so
concurrent writers cannot deadlock over these rows. Rows are sharded by item id; a shard may
go negative, only the sum over shards means anything. Items deleted by labeling take their
flags with them: labeling then asks for `flag_counts_rebuild` by task name
(review.rebuild_flag_counts).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Sum

from labeling.db.counters import counters_add
from review.choices import LIVE_FLAG_STATUSES, FlagReason
from review.models import Flag, ProjectFlagCount

SHARDS = 8
LIVE = LIVE_FLAG_STATUSES
KEY_COLUMNS = ("project_id", "shard", "reason", "status")


class FlagTally:
    """Moves of live flags in one operation, {(shard, reason, status): delta}."""

    def __init__(self) -> None:
        self.deltas: dict[tuple[int, str, str], int] = defaultdict(int)

    def status(self, item_id: int, reason: str, before: str | None, after: str | None) -> None:
        """A flag of the item went from status `before` to `after` (None: absent)."""
        if before == after:
            return
        shard = item_id % SHARDS
        if before in LIVE:
            self.deltas[(shard, reason, str(before))] -= 1
        if after in LIVE:
            self.deltas[(shard, reason, str(after))] += 1


def flag_tally_flush(*, project_id: int, tally: FlagTally) -> None:
    """Write the tally (inside the operation's transaction) and empty it."""
    deltas = {(project_id, *key): delta for key, delta in tally.deltas.items()}
    counters_add(ProjectFlagCount, KEY_COLUMNS, deltas)
    tally.deltas.clear()


def flag_counts_full(project_id: int) -> dict[tuple[str, str], int]:
    """Live flags per (reason, status) counted from the flags (the check; reads every one)."""
    rows = (
        Flag.objects.filter(project_id=project_id, status__in=LIVE)
        .values("reason", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(row["reason"], row["status"]): row["n"] for row in rows}


def flag_counts_stored(project_id: int) -> dict[tuple[str, str], int]:
    """The counters per (reason, status), summed over the shards, zeros left out."""
    rows = (
        ProjectFlagCount.objects.filter(project_id=project_id)
        .values("reason", "status")
        .annotate(n=Sum("n"))
        .order_by()
    )
    return {(row["reason"], row["status"]): row["n"] for row in rows if row["n"]}


@transaction.atomic
def flag_counts_rebuild(*, project_id: int) -> dict[tuple[str, str], int]:
    """Set the project's counters to a full count; safe while flags are being written.

    Every (shard, reason, status) row is made to exist and locked first, so a writer's flush
    waits for this commit: a flag written and flushed before the count is in it, one flushed
    after adds its own delta then.
    """
    keys = sorted({(reason, str(status)) for reason in FlagReason.values for status in LIVE})
    ProjectFlagCount.objects.bulk_create(
        [
            ProjectFlagCount(project_id=project_id, shard=shard, reason=reason, status=status, n=0)
            for reason, status in keys
            for shard in range(SHARDS)
        ],
        ignore_conflicts=True,
    )
    rows = ProjectFlagCount.objects.select_for_update().filter(project_id=project_id)
    list(rows.order_by("shard", "reason", "status").values_list("pk", flat=True))
    found = flag_counts_full(project_id)
    rows.exclude(shard=0).update(n=0)
    for reason, status in sorted({*keys, *found}):
        rows.filter(shard=0, reason=reason, status=status).update(n=found.get((reason, status), 0))
    return found
