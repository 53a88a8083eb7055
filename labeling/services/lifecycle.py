"""Archive, unarchive and delete projects; delete items.

Deleting a project is two steps so that a large one never times out a request:
`project_delete_request` (typed confirmation: the project's name) marks it `deleting`, which
hides it from everyone at once, and enqueues labeling.delete_project; that task calls
`project_delete_batch` until it reports the project gone, each call deleting DELETE_BATCH items
(their annotations, predictions and assignments go with them) in its own short transaction.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from labeling import task_names
from labeling.events import refresh_project_on_commit, send_after_commit
from labeling.exceptions import Conflict, SchemaError
from labeling.models import Item, Project
from labeling.services.audit import audit_record
from labeling.services.counts import items_deleting

DELETE_BATCH = 2000  # items per transaction when a project or many items are deleted
DELETE_PROJECT_TASK = task_names.DELETE_PROJECT  # args: [project_id]


def project_writable(project: Project) -> None:
    """Raise Conflict when the project is archived or being deleted (it is read-only)."""
    if project.deleting:
        raise Conflict("The project is being deleted")
    if project.is_archived:
        raise Conflict("The project is archived; unarchive it first")


@transaction.atomic
def project_archive(*, project: Project, actor: AbstractBaseUser | None, archived: bool) -> Project:
    """Archive (read-only, hidden from the home page) or unarchive the project; audited.

    Archiving releases nobody's labels: live leases simply lapse, and next-item, submit,
    import and settings changes are refused until it is unarchived. Idempotent.
    """
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.deleting:
        raise Conflict("The project is being deleted")
    if locked.is_archived == archived:
        return locked
    before = locked.archived_at
    locked.archived_at = timezone.now() if archived else None
    locked.save(update_fields=["archived_at"])
    audit_record(
        project=locked, actor=actor, action="project.archive" if archived else "project.unarchive",
        target_type="project", target_id=locked.pk,
        before={"archived": before is not None}, after={"archived": archived},
    )
    return locked


@transaction.atomic
def project_delete_request(*, project: Project, actor: AbstractBaseUser | None, confirm: str) -> int:
    """Mark the project for deletion if `confirm` is exactly its name; return its item count.

    Raises SchemaError (details={"field": "confirm"}) on a wrong confirmation. The project
    disappears from every page and endpoint at once; the rows go in the background.
    """
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if confirm != locked.name:
        message = "Type the project's name exactly to confirm the deletion"
        raise SchemaError(message, details={"field": "confirm", "fields": {"confirm": message}})
    count = Item.objects.filter(project=locked).count()  # once per deletion, not per page view
    if not locked.deleting:
        locked.deleting = True
        locked.save(update_fields=["deleting"])
        # The audit log goes with the project; the server log keeps who deleted it.
        audit_record(
            project=None, actor=actor, action="project.delete", target_type="project",
            target_id=locked.pk, before={"name": locked.name, "items": count}, after=None,
        )
    send_after_commit(DELETE_PROJECT_TASK, [locked.pk])
    return count


def project_delete_batch(*, project_id: int) -> int | None:
    """Delete up to DELETE_BATCH items of a project marked `deleting`, and the project itself
    once no item is left. Returns the items left (0: the project is gone), or None when there
    is nothing to do (no such project, or not marked). Idempotent."""
    project = Project.objects.filter(pk=project_id, deleting=True).first()
    if project is None:
        return None
    with transaction.atomic():
        items = Item.objects.filter(project=project)
        ids = list(items.order_by("id").values_list("id", flat=True)[:DELETE_BATCH])
        if ids:
            Item.objects.filter(pk__in=ids).delete()
        left = items.count() if len(ids) == DELETE_BATCH else 0
        if not left:
            project.delete()
    return left


def items_delete(*, project: Project, item_ids: list[int], actor: AbstractBaseUser | None) -> int:
    """Delete these items of the project with everything hanging off them; returns how many.

    Ids of other projects are ignored. Runs in batches of DELETE_BATCH, one transaction each,
    with one audit entry per batch naming the external ids; the project's figures recompute.
    """
    project_writable(project)
    deleted = 0
    ids = sorted({int(pk) for pk in item_ids})
    for start in range(0, len(ids), DELETE_BATCH):
        with transaction.atomic():
            rows = Item.objects.filter(project=project, pk__in=ids[start:start + DELETE_BATCH])
            found = list(rows.order_by("id").values_list("id", "external_id"))
            if not found:
                continue
            names = [name for _, name in found]
            items_deleting(project_id=project.pk, ids=[pk for pk, _ in found])
            rows.delete()
            deleted += len(names)
            audit_record(
                project=project, actor=actor, action="items.delete", target_type="project",
                target_id=project.pk, before={"external_ids": names}, after={"deleted": len(names)},
            )
            refresh_project_on_commit(project.pk)
            send_after_commit(task_names.REBUILD_FLAG_COUNTS, [project.pk])  # their flags went too
    if deleted:  # the agreement sums and report statistics still hold the deleted items' labels
        send_after_commit(task_names.REBUILD_AGREEMENT_COUNTS, [project.pk])
    return deleted
