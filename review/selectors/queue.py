"""The review queue: open flags, filtered and sorted by severity, paged by keyset.

Every selector takes the requesting user and admits only reviewers and leads of the project
(annotators get PermissionDenied, outsiders NotFound). Queries stay on the flag indexes
(project, status, -severity) and (project, reason, status); pages never use OFFSET.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from labeling.ids import column_int
from labeling.models import Annotation, Project
from labeling.permissions import STAFF_ROLES, project_for_role
from review.models import (
    Cause,
    DecisionAction,
    Flag,
    FlagReason,
    FlagStatus,
    ReviewDecision,
)
from review.selectors.flag_counts import open_flags_counted

PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueFilters:
    reason: str = ""
    label: str = ""
    annotator_id: int | None = None
    guideline_version: int | None = None
    status: str = FlagStatus.OPEN

    def as_query(self) -> dict[str, str]:
        """The filters as URL query parameters (empty ones left out)."""
        pairs = {
            "reason": self.reason,
            "label": self.label,
            "annotator": "" if self.annotator_id is None else str(self.annotator_id),
            "version": "" if self.guideline_version is None else str(self.guideline_version),
            "status": "" if self.status == FlagStatus.OPEN else self.status,
        }
        return {key: value for key, value in pairs.items() if value}


@dataclass(frozen=True)
class QueuePage:
    project: Project
    flags: list[Flag]
    next_cursor: str | None
    filters: QueueFilters = field(default_factory=QueueFilters)
    reasons: dict[int, list[Flag]] = field(default_factory=dict)  # item id -> all its flags


def cursor_encode(flag: Flag) -> str:
    return f"{flag.severity!r}_{flag.pk}"


def cursor_decode(cursor: str | None) -> tuple[float, int] | None:
    """(severity, id) from a cursor; None for an empty or malformed one (first page)."""
    try:
        severity, pk = (cursor or "").split("_")
        return float(severity), int(pk)
    except ValueError:
        return None


def queue_filters_parse(params: Any) -> QueueFilters:
    """QueueFilters from query parameters (a QueryDict or dict); bad numbers are ignored."""

    def number(key: str) -> int | None:
        return column_int(params.get(key))

    reason = str(params.get("reason") or "")
    status = str(params.get("status") or FlagStatus.OPEN)
    return QueueFilters(
        reason=reason if reason in FlagReason.values else "",
        label=str(params.get("label") or "")[:200],
        annotator_id=number("annotator"),
        guideline_version=number("version"),
        status=status if status in FlagStatus.values else FlagStatus.OPEN,
    )


def _filtered(project: Project, filters: QueueFilters) -> QuerySet[Flag]:
    flags = Flag.objects.filter(project=project, status=filters.status)
    if filters.reason:
        flags = flags.filter(reason=filters.reason)
    if filters.label:
        match = Q(item__aggregate_value__label=filters.label)
        rating = _maybe_int(filters.label)
        if rating is not None:
            match |= Q(item__aggregate_value__rating=rating)
        flags = flags.filter(match)
    if filters.annotator_id is not None or filters.guideline_version is not None:
        labels = Annotation.objects.filter(item_id=OuterRef("item_id"))
        if filters.annotator_id is not None:
            labels = labels.filter(annotator_id=filters.annotator_id)
        if filters.guideline_version is not None:
            labels = labels.filter(guideline_version=filters.guideline_version)
        flags = flags.filter(Exists(labels))
    return flags


def _top_per_item(flags: QuerySet[Flag], filters: QueueFilters) -> QuerySet[Flag]:
    """Only each item's first flag in queue order (so the queue lists an item once).

    A sibling that comes first has a higher severity, or the same and a lower id; siblings
    are read with the same status (and reason, when filtered) as the queue itself.
    """
    siblings = Flag.objects.filter(item_id=OuterRef("item_id"), status=filters.status)
    if filters.reason:
        siblings = siblings.filter(reason=filters.reason)
    ahead = siblings.filter(
        Q(severity__gt=OuterRef("severity")) | Q(severity=OuterRef("severity"), pk__lt=OuterRef("pk"))
    )
    return flags.exclude(Exists(ahead))


def _reasons_of(flags: list[Flag], status: str) -> dict[int, list[Flag]]:
    """Every flag (with this status) of the page's items, most severe first: all its reasons."""
    found: dict[int, list[Flag]] = {flag.item_id: [] for flag in flags}
    siblings = Flag.objects.filter(item_id__in=list(found), status=status).order_by("-severity", "id")
    for flag in siblings:
        found[flag.item_id].append(flag)
    return found


def _maybe_int(text: str) -> int | None:
    return int(text) if text.lstrip("-").isdigit() else None


def review_queue(
    *,
    user: AbstractBaseUser,
    project_id: int,
    filters: QueueFilters | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> QueuePage:
    """One page of flags, most severe first (ties by id), after `cursor`.

    Rows carry their item (select_related) so a page renders in one query.
    """
    project = project_for_role(user, project_id, STAFF_ROLES)
    filters = filters or QueueFilters()
    flags = _top_per_item(_filtered(project, filters), filters)
    position = cursor_decode(cursor)
    if position is not None:
        severity, pk = position
        flags = flags.filter(Q(severity__lt=severity) | Q(severity=severity, pk__gt=pk))
    rows = list(flags.select_related("item").order_by("-severity", "id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return QueuePage(
        project=project,
        flags=rows,
        next_cursor=cursor_encode(rows[-1]) if more else None,
        filters=filters,
        reasons=_reasons_of(rows, filters.status),
    )


def queue_neighbour(
    *,
    user: AbstractBaseUser,
    project_id: int,
    item_id: int,
    forward: bool = True,
    filters: QueueFilters | None = None,
) -> int | None:
    """The next (or previous) item id in queue order after the item's top flag; None at an end."""
    project = project_for_role(user, project_id, STAFF_ROLES)
    filters = filters or QueueFilters()
    flags = _top_per_item(_filtered(project, filters), filters).exclude(item_id=item_id)
    top = Flag.objects.filter(item_id=item_id, project=project).order_by("-severity", "id").first()
    if top is None:
        first = flags.order_by("-severity", "id").values_list("item_id", flat=True).first()
        return first if forward else None
    if forward:
        after = Q(severity__lt=top.severity) | Q(severity=top.severity, pk__gt=top.pk)
        return (
            flags.filter(after)
            .order_by("-severity", "id")
            .values_list("item_id", flat=True)
            .first()
        )
    before = Q(severity__gt=top.severity) | Q(severity=top.severity, pk__lt=top.pk)
    return (
        flags.filter(before).order_by("severity", "-id").values_list("item_id", flat=True).first()
    )


def queue_counts(*, user: AbstractBaseUser, project_id: int) -> dict[str, dict[str, int]]:
    """Open flags per reason (from the counters: review.services.flag_counts) and settled
    items per cause (every reason and cause listed)."""
    project = project_for_role(user, project_id, STAFF_ROLES)
    reasons = dict(open_flags_counted(project, statuses=[FlagStatus.OPEN]))
    causes = dict(
        ReviewDecision.objects.filter(project=project, action=DecisionAction.FINAL)
        .exclude(cause="")
        .values_list("cause")
        .annotate(n=Count("item", distinct=True))
        .order_by()
    )
    return {
        "reasons": {reason: reasons.get(reason, 0) for reason in FlagReason.values},
        "causes": {cause: causes.get(cause, 0) for cause in Cause.values},
    }


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
