"""Create projects and manage their members."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from labeling.exceptions import Conflict, SchemaError
from labeling.models import Assignment, AssignmentStatus, Membership, Project, Role
from labeling.project_settings import settings_read, settings_validate
from labeling.schema import schema_validate


@transaction.atomic
def project_create(
    *,
    name: str,
    schema: dict[str, Any],
    description: str = "",
    overlap: int | None = None,
    created_by: AbstractBaseUser | None = None,
) -> Project:
    """Create a project from a DESIGN.md schema; the creator (if any) becomes its lead.

    `overlap` overrides schema.settings.overlap. Raises SchemaError or Conflict (name taken).
    """
    name = name.strip()
    if not name:
        raise SchemaError("A project needs a name")
    if Project.objects.filter(name=name).exists():
        raise Conflict(f"A project named {name!r} already exists")
    clean = schema_validate(schema)
    if overlap is not None:
        clean = schema_validate({**clean, "settings": {**clean["settings"], "overlap": overlap}})
    # The settings the schema carries obey the same rules as on the settings page.
    settings_validate(settings_read(columns={}, stored=clean["settings"]))
    project = Project.objects.create(
        name=name,
        description=description,
        schema=clean,
        overlap=clean["settings"]["overlap"],
        created_by=created_by,
    )
    if created_by is not None:
        Membership.objects.create(project=project, user=created_by, role=Role.LEAD)
    return project


@transaction.atomic
def project_update_schema(*, project: Project, schema: dict[str, Any]) -> Project:
    """Replace the project's schema (validated); keeps overlap in step with settings.overlap."""
    clean = schema_validate(schema)
    project.schema = clean
    project.overlap = clean["settings"]["overlap"]
    project.save(update_fields=["schema", "overlap"])
    return project


@transaction.atomic
def membership_set(*, project: Project, user: AbstractBaseUser, role: str) -> Membership:
    """Add the user to the project with `role`, or change their role.

    Refuses (Conflict) to demote the project's last lead.
    """
    if role not in Role.values:
        raise SchemaError(f"role must be one of {', '.join(Role.values)}")
    current = Membership.objects.select_for_update().filter(project=project, user=user).first()
    if current is not None and current.role == Role.LEAD and role != Role.LEAD:
        _keep_a_lead(project, current)
    membership, _ = Membership.objects.update_or_create(
        project=project, user=user, defaults={"role": role}
    )
    return membership


@transaction.atomic
def membership_remove(*, project: Project, user: AbstractBaseUser) -> None:
    """Remove the user from the project; refuses to remove the last lead.

    Their live leases in the project are released at once, so the items go back to the pool
    instead of holding overlap slots until the leases expire.
    """
    membership = Membership.objects.select_for_update().filter(project=project, user=user).first()
    if membership is None:
        return
    if membership.role == Role.LEAD:
        _keep_a_lead(project, membership)
    membership.delete()
    Assignment.objects.filter(
        project=project, annotator_id=user.pk, status=AssignmentStatus.ACTIVE
    ).update(status=AssignmentStatus.RELEASED, finished_at=timezone.now())


def _keep_a_lead(project: Project, leaving: Membership) -> None:
    if not project.memberships.filter(role=Role.LEAD).exclude(pk=leaving.pk).exists():
        raise Conflict("A project must keep at least one lead")


def user_get_or_create_inactive(*, username: str) -> AbstractBaseUser:
    """The user with this name, created inactive (no usable password) when unknown.

    Used for annotators named in imports; a lead can activate them later.
    """
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
