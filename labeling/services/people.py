"""People: create user accounts and grant the site permission to create projects."""

from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser, Permission
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction

from labeling.exceptions import Conflict, SchemaError
from labeling.models import Membership, Project
from labeling.permissions import PROJECT_CREATOR_PERMISSION
from labeling.services.audit import audit_record
from labeling.services.projects import membership_set


@transaction.atomic
def user_create(*, username: str, password: str, email: str = "") -> AbstractBaseUser:
    """A new active user. Raises SchemaError (details.field names the field) or Conflict."""
    username = username.strip()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as error:
        raise SchemaError(
            "A username has letters, digits and @ . + - _ only", details={"field": "username"}
        ) from error
    users = get_user_model()
    if not username or len(username) > 150:
        raise SchemaError("Enter a username of 1 to 150 characters", details={"field": "username"})
    if users.objects.filter(username__iexact=username).exists():
        raise Conflict(f"The username {username!r} is taken", details={"field": "username"})
    user = users(username=username, email=email.strip())
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise SchemaError(" ".join(error.messages), details={"field": "password"}) from error
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def member_create(
    *, project: Project, username: str, password: str, role: str, email: str = ""
) -> Membership:
    """Create a user and add them to the project with `role` (errors as user_create)."""
    user = user_create(username=username, password=password, email=email)
    return membership_set(project=project, user=user, role=role)


@transaction.atomic
def project_creator_set(
    *, user: AbstractBaseUser, allowed: bool, actor: AbstractBaseUser | None = None
) -> AbstractBaseUser:
    """Grant or withdraw the site permission to create projects (labeling.add_project);
    written to the audit log (without a project)."""
    app_label, codename = PROJECT_CREATOR_PERMISSION.split(".")
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    if allowed:
        user.user_permissions.add(permission)  # type: ignore[attr-defined]
    else:
        user.user_permissions.remove(permission)  # type: ignore[attr-defined]
    audit_record(
        project=None,
        actor=actor,
        action="site.project_creator",
        target_type="user",
        target_id=user.pk,
        after={"user": user.get_username(), "allowed": allowed},
    )
    # has_perm caches per instance; the caller may keep using this object.
    for cache in ("_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)
    return user


@transaction.atomic
def account_create(
    *,
    actor: AbstractBaseUser,
    username: str,
    password: str,
    email: str = "",
    may_create_projects: bool = False,
) -> AbstractBaseUser:
    """A site administrator's new account, in one transaction with its project-creator grant."""
    user = user_create(username=username, password=password, email=email)
    if may_create_projects:
        project_creator_set(user=user, allowed=True, actor=actor)
    return user
