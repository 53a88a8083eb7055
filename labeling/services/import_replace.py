"""Re-import with "replace": items whose id is already in the project are imported afresh.

The safe default: only items nobody has labeled yet are replaced. If any item the file names
has annotations or a final label, the whole import is refused (ImportFailed listing them), so
labels never end up describing data they were not made for; delete such items first (data
page or API) to re-import them. Replaced items are deleted with their predictions, leases and
flags, then imported from the file like new ones (new internal id, the file's gold answer).
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from labeling import task_names
from labeling.events import send_after_commit
from labeling.exceptions import ImportFailed
from labeling.importers.parse.records import ItemRecord
from labeling.importers.parse.stream import records_open
from labeling.models import Item, Project
from labeling.services.audit import audit_record
from labeling.services.counts import items_deleting

LOOKUP_BATCH = 5000
MAX_LISTED = 50  # refused items named in the error


def items_replace_prepare(
    *, project: Project, path: str | Path, fmt: str, images: str | Path | None, actor: AbstractBaseUser | None
) -> int:
    """Delete the project's unlabeled items the file names again; return how many.

    Call inside the import's transaction (a failed import then restores them). Raises
    ImportFailed, deleting nothing, when any of them has annotations or a final label.
    """
    ids = _file_ids(project, path, fmt, images)
    existing = Item.objects.filter(project=project)
    found: list[int] = []
    labeled: list[str] = []
    for start in range(0, len(ids), LOOKUP_BATCH):
        rows = existing.filter(external_id__in=ids[start:start + LOOKUP_BATCH])
        found += rows.values_list("id", flat=True)
        labeled += rows.filter(Q(annotation_count__gt=0) | Q(final_value__isnull=False)).values_list("external_id", flat=True)
    if labeled:
        raise ImportFailed(
            f"{len(labeled)} item(s) to replace already have labels; nothing was imported. "
            "Delete them first to re-import them",
            details=[{"line": 0, "message": f"id {name} has annotations"} for name in labeled[:MAX_LISTED]],
        )
    if found:
        names = list(existing.filter(pk__in=found).values_list("external_id", flat=True)[:MAX_LISTED])
        items_deleting(project_id=project.pk, ids=found)
        Item.objects.filter(pk__in=found).delete()
        send_after_commit(task_names.REBUILD_FLAG_COUNTS, [project.pk])  # their flags went too
        audit_record(
            project=project, actor=actor, action="items.replace", target_type="project",
            target_id=project.pk, before={"external_ids": names, "count": len(found)}, after=None,
        )
    return len(found)


def _file_ids(project: Project, path: str | Path, fmt: str, images: str | Path | None) -> list[str]:
    """The item ids the file names (bad lines are left to the import's own checks)."""
    with records_open(path, fmt=fmt, kind=project.kind, images=images) as opened:
        return list({record.external_id: None for record in opened.records if isinstance(record, ItemRecord)})
