"""The audit log: one function every app's services call inside their transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from labeling.models import AuditEntry, Project


def audit_record(
    *,
    project: Project | None,
    actor: AbstractBaseUser | None,
    action: str,
    target_type: str,
    target_id: object,
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one entry (JSON-serialisable before/after). Call it inside the writing transaction."""
    return AuditEntry.objects.create(
        project=project,
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        before=before,
        after=after,
    )
