"""Reads of memberships (who is on a project, in which role) and of accounts to add to one.

The project-scoped readers take a project the page already admitted the caller to (its access
decorator checked the role); the home page's readers take the requesting user and return only
that user's own memberships.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from labeling.choices import Role
from labeling.models import Membership, Project


def membership_list_for_home(*, user: AbstractBaseUser, archived: bool) -> QuerySet[Membership]:
    """The user's memberships with their project, by project name; projects being deleted are
    left out, and archived ones too unless `archived`."""
    memberships = Membership.objects.filter(user=user, project__deleting=False)
    if not archived:
        memberships = memberships.filter(project__archived_at__isnull=True)
    return memberships.select_related("project").order_by("project__name")


def membership_archived_count(*, user: AbstractBaseUser) -> int:
    """How many archived projects (not being deleted) the user is a member of."""
    memberships = Membership.objects.filter(user=user, project__deleting=False)
    return memberships.filter(project__archived_at__isnull=False).count()


def membership_list_deleting(*, user: AbstractBaseUser) -> QuerySet[Membership]:
    """The user's lead memberships of projects being deleted, with their project."""
    return Membership.objects.filter(
        user=user, role=Role.LEAD, project__deleting=True
    ).select_related("project")


def membership_get(*, project: Project, user: AbstractBaseUser) -> Membership:
    """The user's membership of the project (Membership.DoesNotExist if they are not a member)."""
    return Membership.objects.get(project=project, user=user)


def membership_get_or_none(*, project: Project, membership_id: int) -> Membership | None:
    """One membership of the project by id, or None (also when it belongs to another project)."""
    try:
        return Membership.objects.get(project=project, pk=membership_id)
    except Membership.DoesNotExist:
        return None


def membership_list_by_role(*, project: Project) -> QuerySet[Membership]:
    """Every member of the project with their account, by role then username (the members page)."""
    return project.memberships.select_related("user").order_by("role", "user__username")


def membership_list_of_users(*, project_id: int, user_ids: Iterable[int]) -> QuerySet[Membership]:
    """The memberships of the given users in the project, with their account (any order)."""
    return Membership.objects.filter(project_id=project_id, user_id__in=user_ids).select_related(
        "user"
    )


def membership_list_non_leads(*, project: Project) -> QuerySet[Membership]:
    """Annotators and reviewers of the project with their account, by username."""
    return (
        Membership.objects.filter(project=project)
        .exclude(role=Role.LEAD)
        .select_related("user")
        .order_by("user__username")
    )


def project_has_other_lead(*, project: Project, membership_id: int) -> bool:
    """Whether the project has a lead besides the membership `membership_id`."""
    return project.memberships.filter(role=Role.LEAD).exclude(pk=membership_id).exists()


def user_get_or_none(*, user_id: int) -> AbstractBaseUser | None:
    """The account by id, or None. No permission check: the site people page admits staff."""
    model = get_user_model()
    try:
        return model.objects.get(pk=user_id)
    except model.DoesNotExist:
        return None


def user_list_by_username(*, usernames: Iterable[str]) -> QuerySet[AbstractBaseUser]:
    """The accounts with these usernames (any order; names without an account are skipped)."""
    return get_user_model().objects.filter(username__in=usernames)


def user_find(*, who: str) -> AbstractBaseUser | None:
    """The account whose username is `who` or whose email is `who` (any case); the oldest
    one when several match; None for an empty `who` or no match."""
    if not who:
        return None
    users = get_user_model().objects.filter(Q(username=who) | Q(email__iexact=who))
    return users.order_by("id").first()
