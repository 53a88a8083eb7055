"""The first agreement snapshot of a project, for the page and the API that found none.

A small project's is computed in the request (well under a second). A large project's full
run reads every annotation and writes every item's aggregate: minutes at millions of labels,
longer than any request may take. It goes to a worker instead, as the same debounced project
run submits send (one in flight per project), and the reader is told that it is on its way.
"""

from __future__ import annotations

from dataclasses import dataclass

from labeling import task_names
from labeling.events import send
from labeling.models import Project
from labeling.selectors_counts import project_progress_counts
from review.models import AgreementSnapshot
from review.services.agreement import project_snapshot_create

# Above this many labels the first snapshot is computed by a worker, not in the request.
INLINE_LABELS = 50_000
# The key the debounced project run holds while it is pending (review.tasks.agreement).
PENDING_KEY = "review:agreement-pending:{project_id}"
PENDING_S = 300  # a run that never started frees the key after this


@dataclass(frozen=True)
class FirstSnapshot:
    """The snapshot made now (None when the project has none to make), or `scheduled`."""

    snapshot: AgreementSnapshot | None
    scheduled: bool = False
    labels: int = 0


def snapshot_first(*, project_id: int) -> FirstSnapshot:
    """Compute the project's first snapshot in the request, or send it to a worker when the
    project has more than INLINE_LABELS labels (eager mode runs it before this returns). The
    caller checked the reader's role."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return FirstSnapshot(None)
    labels = project_progress_counts(project)["labels"]
    if labels <= INLINE_LABELS:
        return FirstSnapshot(project_snapshot_create(project_id=project.pk), labels=labels)
    send(
        task_names.RECOMPUTE_PROJECT_AGREEMENT,
        [project.pk],
        at_most_every_s=PENDING_S,
        key=PENDING_KEY.format(project_id=project.pk),
    )
    made = AgreementSnapshot.objects.filter(project=project).order_by("-created_at", "-id").first()
    return FirstSnapshot(made, scheduled=made is None, labels=labels)  # eager mode ran it
