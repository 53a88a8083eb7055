"""Domain errors of the review app; labeling.api.errors maps every AccordError to HTTP."""

from __future__ import annotations

from labeling.exceptions import NotFound, PermissionDenied


class ProjectNotFound(NotFound):
    """No project with that id or name."""

    code = "project_not_found"


class OwnItemReview(PermissionDenied):
    """A reviewer tried to settle an item they annotated themselves."""

    code = "own_item"
