"""Agreement snapshots of a project, for reviewers and leads."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from labeling.permissions import STAFF_ROLES, project_for_role
from review.models import AgreementSnapshot


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
