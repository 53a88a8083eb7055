"""Reads of the guidelines app. Each takes the requesting user and checks the role once.

Outsiders get labeling.exceptions.NotFound, members without the needed role PermissionDenied.
Nothing here exposes another annotator's labels: stale-label lists are for leads only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Q, QuerySet

from guidelines.diff import DiffStats, changed_labels, diff_html, diff_stats
from guidelines.exceptions import VersionNotFound
from guidelines.models import Guideline, GuidelineVersion
from labeling.models import Annotation, Membership, Project, Role
from labeling.permissions import ANY_ROLE, project_for_role
from labeling.values import schema_labels, value_labels

User = AbstractBaseUser | AnonymousUser
LEAD_ONLY = (Role.LEAD,)


@dataclass(frozen=True)
class VersionDiff:
    old: GuidelineVersion | None
    new: GuidelineVersion
    html: str
    stats: DiffStats
    changed_labels: list[str]


def guideline_project(*, user: User, project_id: int, roles: tuple[str, ...] = ANY_ROLE) -> Project:
    """The project if `user` holds one of `roles` in it (NotFound / PermissionDenied otherwise)."""
    return project_for_role(user, project_id, roles)


def version_list(*, user: User, project_id: int) -> QuerySet[GuidelineVersion]:
    """Published versions of the project, newest first (any member)."""
    project = guideline_project(user=user, project_id=project_id)
    return (
        GuidelineVersion.objects.filter(project=project)
        .select_related("author")
        .order_by("-number")
    )


def version_get(*, user: User, project_id: int, number: int) -> GuidelineVersion:
    """One published version by number (any member); VersionNotFound if it does not exist."""
    project = guideline_project(user=user, project_id=project_id)
    version = GuidelineVersion.objects.filter(project=project, number=number).first()
    if version is None:
        raise VersionNotFound(f"No guideline version {number}")
    return version


def version_in_force(*, user: User, project_id: int) -> GuidelineVersion | None:
    """The version in force (Project.guideline_version), or None before the first publication."""
    project = guideline_project(user=user, project_id=project_id)
    return _in_force(project)


def _in_force(project: Project) -> GuidelineVersion | None:
    if not project.guideline_version:
        return None
    return GuidelineVersion.objects.filter(
        project=project, number=project.guideline_version
    ).first()


def draft_get(*, user: User, project_id: int) -> Guideline:
    """The lead's draft (unsaved: empty, prefilled from the version in force). Leads only."""
    project = guideline_project(user=user, project_id=project_id, roles=LEAD_ONLY)
    draft = Guideline.objects.filter(project=project).first()
    if draft is not None:
        return draft
    current = _in_force(project)
    return Guideline(project=project, draft_markdown=current.markdown if current else "")


def _versions_diff(
    project: Project, old: GuidelineVersion | None, new: GuidelineVersion
) -> VersionDiff:
    before = old.markdown if old else ""
    return VersionDiff(
        old=old,
        new=new,
        html=diff_html(before, new.markdown),
        stats=diff_stats(before, new.markdown),
        changed_labels=changed_labels(before, new.markdown, schema_labels(project.schema)),
    )


def version_diff(*, user: User, project_id: int, old: int, new: int) -> VersionDiff:
    """Word diff and changed label sections between two versions (0 = the empty guideline)."""
    project = guideline_project(user=user, project_id=project_id)
    versions = {
        v.number: v for v in GuidelineVersion.objects.filter(project=project, number__in=[old, new])
    }
    if new not in versions or (old and old not in versions):
        raise VersionNotFound("No such guideline version")
    return _versions_diff(project, versions.get(old), versions[new])


def acknowledgement_pending(*, user: User, project_id: int) -> VersionDiff | None:
    """What changed since the version `user` last acknowledged, or None when up to date."""
    project = guideline_project(user=user, project_id=project_id)
    membership = Membership.objects.get(project=project, user_id=user.pk)
    current = _in_force(project)
    if current is None or membership.acknowledged_version >= current.number:
        return None
    seen = GuidelineVersion.objects.filter(
        project=project, number=membership.acknowledged_version
    ).first()
    return _versions_diff(project, seen, current)


def examples_by_label(*, version: GuidelineVersion, schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The version's examples grouped under each label, schema order first, then the rest."""
    order = schema_labels(schema)
    groups: dict[str, list[dict[str, Any]]] = {label: [] for label in order}
    for example in version.examples:
        for label in example.get("labels") or ["(no final label)"]:
            groups.setdefault(label, []).append(example)
    return [{"label": label, "examples": rows} for label, rows in groups.items() if rows]


def stale_items(*, user: User, project_id: int) -> list[dict[str, Any]]:
    """Items labeled (in their current round) under an older version than the one in force,
    narrowed to annotations naming a label whose guideline section changed since that version.

    Leads only. Annotations without a version count as version 0 (the empty guideline).
    Returns [{"item_id", "external_id", "text", "versions", "labels"}] in item order.
    """
    project = guideline_project(user=user, project_id=project_id, roles=LEAD_ONLY)
    current = _in_force(project)
    if current is None:
        return []
    rows = (
        Annotation.objects.filter(project=project, round=F("item__round"))
        .filter(Q(guideline_version__lt=current.number) | Q(guideline_version__isnull=True))
        .values_list("item_id", "item__external_id", "item__data", "guideline_version", "value")
        .order_by("item_id", "id")
    )
    markdown = dict(
        GuidelineVersion.objects.filter(project=project).values_list("number", "markdown")
    )
    labels = schema_labels(project.schema)
    changed: dict[int, set[str]] = {}
    found: dict[int, dict[str, Any]] = {}
    for item_id, external_id, data, number, value in rows.iterator():
        number = number or 0
        if number not in changed:
            changed[number] = set(
                changed_labels(markdown.get(number, ""), current.markdown, labels)
            )
        hits = changed[number] & set(value_labels(value))
        if not hits:
            continue
        entry = found.setdefault(item_id, _stale_entry(item_id, external_id, data))
        entry["versions"] = sorted({*entry["versions"], number})
        entry["labels"] = [label for label in labels if label in hits or label in entry["labels"]]
    return list(found.values())


def _stale_entry(item_id: int, external_id: str, data: object) -> dict[str, Any]:
    text = data.get("text", "") if isinstance(data, dict) else ""
    return {"item_id": item_id, "external_id": external_id, "text": str(text)[:200],
            "versions": [], "labels": []}  # fmt: skip
