"""Reads, always on behalf of a user: an annotator never reaches a peer's labels here."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, QuerySet
from django.utils import timezone

from labeling.exceptions import PermissionDenied
from labeling.models import (
    Annotation,
    ApiToken,
    Invite,
    Item,
    LabelingPreference,
    Membership,
    Prediction,
    Project,
    Role,
)
from labeling.permissions import STAFF_ROLES, project_for_role, role_of


def project_list_for_user(user: AbstractBaseUser) -> QuerySet[Project]:
    """Projects the user is a member of, in id order."""
    return Project.objects.filter(memberships__user=user, deleting=False).distinct().order_by("id")


def member_list(*, user: AbstractBaseUser, project_id: int) -> QuerySet[Membership]:
    """A project's members; any member may see who else is on the project."""
    project = project_for_role(user, project_id)
    return project.memberships.select_related("user").order_by("id")


def item_list(*, user: AbstractBaseUser, project_id: int) -> QuerySet[Item]:
    """Items of a project. Reviewers and leads see all; annotators only items they were given."""
    project = project_for_role(user, project_id)
    items = project.items.order_by("id")
    if role_of(user, project) not in STAFF_ROLES:
        items = items.filter(assignments__annotator=user).distinct()
    return items


def item_count_capped(*, project: Project, cap: int) -> int:
    """How many items the project has, counting no further than cap + 1 (so "more than cap").

    Walks at most cap + 1 entries of an index on (project, ...): cheap at any project size.
    No permission check: callers show it to members they admitted.
    """
    return Item.objects.filter(project=project).order_by()[: cap + 1].count()


def item_search(*, user: AbstractBaseUser, project_id: int, term: str) -> tuple[Item | None, QuerySet[Item]]:
    """Items of the project by external id, as `item_list` admits them: the exact match (or
    None), and the other items whose id starts with `term`, in id order.

    Both are served by the (project, external_id) unique index, whose pattern operator class
    also answers prefix LIKEs whatever the database's collation.
    """
    items = item_list(user=user, project_id=project_id)
    exact = items.filter(external_id=term).first()
    return exact, items.filter(external_id__startswith=term).exclude(external_id=term)


def annotation_list(*, user: AbstractBaseUser, project_id: int) -> QuerySet[Annotation]:
    """Annotations of a project: all for reviewers and leads, only the user's own otherwise."""
    project = project_for_role(user, project_id)
    annotations = project.annotations.select_related("annotator", "item").order_by("id")
    if role_of(user, project) not in STAFF_ROLES:
        annotations = annotations.filter(annotator=user)
    return annotations


def prediction_list(*, user: AbstractBaseUser, project_id: int) -> QuerySet[Prediction]:
    """Model predictions; staff only, since they can echo the consensus of peers."""
    project = project_for_role(user, project_id, STAFF_ROLES)
    return project.predictions.order_by("id")


def is_staff_of(user: AbstractBaseUser, project: Project) -> bool:
    """True for reviewers and leads of the project."""
    return role_of(user, project) in STAFF_ROLES


def is_lead_of(user: AbstractBaseUser, project: Project) -> bool:
    return role_of(user, project) == Role.LEAD


def api_token_list(*, user: AbstractBaseUser) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first (nobody sees another user's tokens)."""
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def invite_list_open(*, user: AbstractBaseUser, project_id: int) -> QuerySet[Invite]:
    """The project's invites that can still be used (not accepted, revoked or expired); leads only."""
    project = project_for_role(user, project_id, [Role.LEAD])
    return project.invites.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("expires_at", "id")


def user_list_for_site(*, user: AbstractBaseUser) -> QuerySet[AbstractBaseUser]:
    """Every account with its project count, for site administrators (is_staff) only."""
    if not (user.is_active and getattr(user, "is_staff", False)):
        raise PermissionDenied("This needs a site administrator")
    return (
        get_user_model()
        .objects.annotate(project_count=Count("memberships", distinct=True))
        .prefetch_related("user_permissions__content_type")
        .order_by("username")
    )


def project_list_for_site(*, user: AbstractBaseUser) -> QuerySet[Project]:
    """Every project, by name, for site administrators (is_staff) only."""
    if not (user.is_active and getattr(user, "is_staff", False)):
        raise PermissionDenied("This needs a site administrator")
    return Project.objects.order_by("name")


def project_get_for_site(*, user: AbstractBaseUser, project_id: int | str) -> Project | None:
    """Any project by id for site administrators (is_staff) only, or None when there is none."""
    try:
        return project_list_for_site(user=user).get(pk=project_id)
    except Project.DoesNotExist:
        return None


def shortcuts_enabled(*, user: AbstractBaseUser) -> bool:
    """Whether `user` wants single-key shortcuts (on unless they turned them off)."""
    if not user.is_authenticated:
        return True
    preference = LabelingPreference.objects.filter(user_id=user.pk).first()
    return preference is None or preference.shortcuts_enabled


def gold_accuracy(*, user: AbstractBaseUser, project_id: int) -> list[dict[str, object]]:
    """Per annotator with labels on gold items: {"user_id", "username", "n", "correct",
    "accuracy"} (accuracy = correct / n, exact match of the stored value with the gold answer,
    both normalised by the schema check). Reviewers and leads only (PermissionDenied else)."""
    return gold_accuracy_rows(project=project_for_role(user, project_id, STAFF_ROLES))


def gold_accuracy_rows(*, project: Project) -> list[dict[str, object]]:
    """`gold_accuracy`'s rows, with no permission check: for callers that admitted a lead
    (the members page) or run in a worker for a page a lead opened."""
    rows = Annotation.objects.filter(project=project, item__is_gold=True).values_list(
        "annotator_id", "annotator__username", "value", "item__gold_value"
    )
    found: dict[int, dict[str, object]] = {}
    for annotator_id, username, value, gold in rows.iterator(chunk_size=2000):
        entry = found.setdefault(annotator_id, {"user_id": annotator_id, "username": username, "n": 0, "correct": 0})
        entry["n"] = int(entry["n"]) + 1  # type: ignore[call-overload]
        entry["correct"] = int(entry["correct"]) + (value == gold)  # type: ignore[call-overload]
    for entry in found.values():
        entry["accuracy"] = int(entry["correct"]) / int(entry["n"])  # type: ignore[call-overload]
    return sorted(found.values(), key=lambda entry: str(entry["username"]))
