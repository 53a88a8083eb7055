"""Who may do what in a project. One place for the role checks every view and selector uses."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from labeling.exceptions import NotFound, PermissionDenied
from labeling.models import Membership, Project, Role

STAFF_ROLES = (Role.REVIEWER, Role.LEAD)
ANY_ROLE = (Role.ANNOTATOR, Role.REVIEWER, Role.LEAD)


def role_of(user: AbstractBaseUser | AnonymousUser, project: Project | int) -> str | None:
    """The user's role in the project, or None for outsiders and anonymous users."""
    if not user.is_authenticated:
        return None
    project_id = project if isinstance(project, int) else project.pk
    return (
        Membership.objects.filter(project_id=project_id, user_id=user.pk)
        .values_list("role", flat=True)
        .first()
    )


def project_for_role(
    user: AbstractBaseUser | AnonymousUser, project_id: int, roles: Iterable[str] = ANY_ROLE
) -> Project:
    """Load the project if the user holds one of `roles` in it.

    Outsiders get NotFound (the project's existence is not revealed); members whose role
    is not enough get PermissionDenied.
    """
    # A project marked for deletion is gone for everyone, its lead included.
    project = Project.objects.filter(pk=project_id, deleting=False).first()
    role = role_of(user, project_id) if project else None
    if project is None or role is None:
        raise NotFound("No such project")
    if role not in set(roles):
        raise PermissionDenied(f"This needs the role {' or '.join(sorted(set(roles)))}")
    return project


# Django's own "add project" permission marks who may create projects (a site permission:
# being a lead of one project does not grant it). Superusers hold every permission.
PROJECT_CREATOR_PERMISSION = "labeling.add_project"


def can_create_projects(user: AbstractBaseUser | AnonymousUser) -> bool:
    """True when the user may create projects (page and API)."""
    return bool(user.is_active and user.has_perm(PROJECT_CREATOR_PERMISSION))


def require_project_creator(user: AbstractBaseUser | AnonymousUser) -> None:
    """Raise PermissionDenied unless the user may create projects."""
    if not can_create_projects(user):
        raise PermissionDenied("Creating projects needs the site permission to create projects")
