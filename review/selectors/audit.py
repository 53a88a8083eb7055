"""The project's audit log (every review decision and guideline publication), staff only."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from labeling.models import Annotation, AuditEntry
from labeling.permissions import STAFF_ROLES, project_for_role
from review.models import Flag


def audit_list(
    *, user: AbstractBaseUser, project_id: int, item_id: int | None = None
) -> QuerySet[AuditEntry]:
    """The project's audit log, oldest first; for one item, its entries and its flags' and
    annotations' entries. Staff only.
    """
    project = project_for_role(user, project_id, STAFF_ROLES)
    entries = AuditEntry.objects.filter(project=project).select_related("actor")
    if item_id is not None:
        annotation_ids = [
            str(pk)
            for pk in Annotation.objects.filter(item_id=item_id).values_list("pk", flat=True)
        ]
        flag_ids = [
            str(pk) for pk in Flag.objects.filter(item_id=item_id).values_list("pk", flat=True)
        ]
        entries = entries.filter(
            Q(target_type="item", target_id=str(item_id))
            | Q(target_type="annotation", target_id__in=annotation_ids)
            | Q(target_type="flag", target_id__in=flag_ids)
        )
    return entries.order_by("id")
