"""Reads of a project's items, their annotations and import jobs for the lead and review pages.

No permission check here: the page's access decorator admitted a lead or reviewer of
`project` first, and every reader keeps to that project's rows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from labeling.models import Annotation, ImportJob, Item, Project

DELETE_SHOWN = 200  # external ids the delete confirmation lists


def item_get_or_none(*, project: Project, item_id: int) -> Item | None:
    """One item of the project by id, or None (also when it belongs to another project)."""
    try:
        return Item.objects.get(project=project, pk=item_id)
    except Item.DoesNotExist:
        return None


def item_first_or_none(*, project: Project) -> Item | None:
    """The project's first item by id, or None for an empty project."""
    return Item.objects.filter(project=project).order_by("id").first()


def item_exists(*, project: Project, external_id: str) -> bool:
    """Whether the project has an item with this external id."""
    return Item.objects.filter(project=project, external_id=external_id).exists()


def item_example_list(*, project: Project, limit: int) -> QuerySet[Item]:
    """The project's items marked as guideline examples, oldest first, at most `limit`."""
    return Item.objects.filter(project=project, is_example=True).order_by("id")[:limit]


def item_gold_list(*, project: Project, item_ids: list[int]) -> QuerySet[Item]:
    """The gold items among `item_ids` of the project (ids of other projects are ignored)."""
    return Item.objects.filter(project=project, pk__in=item_ids, is_gold=True)


def item_delete_summary(*, project: Project, item_ids: list[int]) -> dict[str, Any]:
    """What deleting `item_ids` would remove: {"ids" (those of the project), "shown" (the first
    DELETE_SHOWN external ids), "count", "annotations" (how many labels go with them)}."""
    items = Item.objects.filter(project=project, pk__in=item_ids).order_by("id")
    return {
        "ids": list(items.values_list("id", flat=True)),
        "shown": list(items.values_list("external_id", flat=True)[:DELETE_SHOWN]),
        "count": items.count(),
        "annotations": sum(items.values_list("annotation_count", flat=True)),
    }


def annotation_on_item_get_or_none(*, item: Item, annotation_id: Any) -> Annotation | None:
    """One annotation of the item by id (as posted: a string is fine), or None."""
    return Annotation.objects.filter(item=item, pk=annotation_id).first()


def import_job_recent_list(*, project: Project, limit: int) -> QuerySet[ImportJob]:
    """The project's newest `limit` import jobs, newest first."""
    return ImportJob.objects.filter(project=project).order_by("-id")[:limit]


def import_job_get_or_none(*, project: Project, job_id: int) -> ImportJob | None:
    """One import job of the project by id, or None (also when it belongs to another project)."""
    try:
        return ImportJob.objects.get(project=project, pk=job_id)
    except ImportJob.DoesNotExist:
        return None
