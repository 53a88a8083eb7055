"""Recompute a project's aggregates and flags now (the `refresh_flags` command's --wait path).

Calls the existing services in the order the task chain runs them: the project
agreement run (every item's aggregate, confidence and agreement, and a snapshot),
then the flag refresh over every batch of items. Both are idempotent, so a
refresh racing a submit-driven recompute converges to the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from review.services.agreement import project_snapshot_create
from review.services.flags import project_flags_refresh


@dataclass(frozen=True)
class ProjectRefresh:
    """What a refresh did: the snapshot id it left and how many flag batches it walked."""

    snapshot_id: int | None
    flag_batches: int


def project_refresh(*, project_id: int) -> ProjectRefresh | None:
    """Recompute the project's aggregates, then refresh every item's flags, before returning.

    Runs in the caller's process (no worker needed); each batch of flags commits on its
    own, as in the Celery path. Returns None when the project does not exist.
    """
    snapshot = project_snapshot_create(project_id=project_id)
    if snapshot is None:
        return None
    batches, after = 0, 0
    while (last := project_flags_refresh(project_id=project_id, after_id=after)) is not None:
        batches, after = batches + 1, last
    return ProjectRefresh(snapshot.pk, batches)
