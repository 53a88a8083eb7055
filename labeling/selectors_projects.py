"""Reads of one project for the pages that already admitted the caller (by role or by task).

No permission check here: the page's access decorator (frontend.views.lead.access,
review_page, member_page) or the caller's own selector checked the role first.
"""

from __future__ import annotations

from django.db.models import QuerySet

from labeling.models import Annotation, AuditEntry, Item, Project

SETTINGS_ACTIONS = ("project.settings_update", "project.archive", "project.unarchive")


def project_get(*, project_id: int) -> Project:
    """The project by id (Project.DoesNotExist if there is none)."""
    return Project.objects.get(pk=project_id)


def project_get_by_name_or_none(*, name: str) -> Project | None:
    """The (oldest) project called `name`, or None; the demo seeding finds its projects so."""
    return Project.objects.filter(name=name).first()


def project_get_or_none(*, project_id: int) -> Project | None:
    """The project by id, or None when it is gone (a worker's task may outlive it)."""
    return Project.objects.filter(pk=project_id).first()


def project_has_annotations(*, project: Project) -> bool:
    """Whether anybody labeled an item of the project yet (its labels are locked then)."""
    return Annotation.objects.filter(project=project).exists()


def project_item_count(*, project: Project) -> int:
    """How many items the project has, counted exactly (the delete page says how many go)."""
    return Item.objects.filter(project=project).count()


def project_settings_change_list(*, project: Project, limit: int) -> QuerySet[AuditEntry]:
    """The newest `limit` settings, archive and unarchive audit entries, with their actor."""
    return (
        AuditEntry.objects.filter(project=project, action__in=SETTINGS_ACTIONS)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
