"""Reads of the review app, on behalf of a user."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Sum

from labeling.models import Annotation, Project
from labeling.permissions import STAFF_ROLES, project_for_role
from review.models import AgreementSnapshot, Flag, FlagStatus, ProjectFlagCount
from review.services.flag_counts import LIVE


def annotation_outcomes(
    *, user: AbstractBaseUser, annotation_ids: Iterable[int]
) -> dict[int, dict[str, Any]]:
    """Review outcomes of the user's own annotations, keyed by annotation id.

    Each value: {"verdict": "accepted"|"rejected"|None, "comment": str, "final_value": dict|None}.
    Only annotations by `user` are returned, so nobody learns of a peer's review.
    Annotations with neither a verdict nor a settled item are left out (not reviewed yet).
    "corrected" is True when the final label differs from the annotation's value.
    """
    ids = [int(pk) for pk in annotation_ids]
    rows = (
        Annotation.objects.filter(pk__in=ids, annotator_id=user.pk)
        .select_related("item", "review")
        .order_by("id")
    )
    outcomes: dict[int, dict[str, Any]] = {}
    for annotation in rows:
        review = getattr(annotation, "review", None)
        final = annotation.item.final_value
        if review is None and final is None:
            continue
        outcomes[annotation.pk] = {
            "verdict": review.verdict if review else None,
            "comment": review.comment if review else "",
            "final_value": final,
            "corrected": final is not None and final != annotation.value,
        }
    return outcomes


def agreement_snapshot_latest(
    *, user: AbstractBaseUser, project_id: int
) -> AgreementSnapshot | None:
    """The project's newest agreement snapshot; reviewers and leads only.

    Outsiders get NotFound, annotators PermissionDenied (agreement figures
    reveal how peers labelled). None when no snapshot exists yet.
    """
    project_for_role(user, project_id, STAFF_ROLES)
    return (
        AgreementSnapshot.objects.filter(project_id=project_id)
        .order_by("-created_at", "-id")
        .first()
    )


def agreement_snapshot_trend(
    *, user: AbstractBaseUser, project_id: int, limit: int = 60
) -> list[dict[str, Any]]:
    """Headline alpha and its interval per snapshot, oldest first (at most ``limit``); staff only."""
    project_for_role(user, project_id, STAFF_ROLES)
    snapshots = AgreementSnapshot.objects.filter(project_id=project_id).order_by(
        "-created_at", "-id"
    )
    points = []
    for snapshot in snapshots[:limit]:
        report = snapshot.report or {}
        interval = report.get("alpha_ci") or {}
        level = interval.get("level", "nominal")
        points.append(
            {
                "at": snapshot.created_at,
                "alpha": (report.get("krippendorff_alpha") or {}).get(level),
                "low": interval.get("low"),
                "high": interval.get("high"),
                "items": report.get("items"),
            }
        )
    return points[::-1]


def open_review_count(*, user: AbstractBaseUser, project_id: int, cap: int | None = None) -> int:
    """How many items wait in the project's review queue (items with an open flag); staff only.

    With `cap`, counted no further than cap + 1 (a page view never reads every open flag).
    """
    project = project_for_role(user, project_id, STAFF_ROLES)
    items = (
        Flag.objects.filter(project=project, status=FlagStatus.OPEN)
        .values("item_id")
        .distinct()
        .order_by()
    )
    return (items if cap is None else items[: cap + 1]).count()


def open_flags_counted(project: Project, *, statuses: Iterable[str] = LIVE) -> list[tuple[str, int]]:
    """Flags per reason in `statuses` (default: open or in review), most first, from the
    counters every flag write keeps (review.services.flag_counts): a few rows, never the flags."""
    rows = (
        ProjectFlagCount.objects.filter(project=project, status__in=list(statuses))
        .values("reason")
        .annotate(n=Sum("n"))
        .order_by()
    )
    found = [(row["reason"], int(row["n"])) for row in rows if row["n"]]
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))
