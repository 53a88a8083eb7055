"""Unsure: an annotator marked the item unsure or left a comment on it."""

from __future__ import annotations

from typing import Any

from review.flags.facts import Detection, ItemFacts, ProjectFacts


def detect(item: ItemFacts, project: ProjectFacts, config: dict[str, Any]) -> Detection | None:
    """Fire when any annotation is unsure (or commented, unless `comments` is off).

    Severity is the share of the item's annotations that raised it.
    """
    use_comments = bool(config.get("comments", True))
    raised = [a for a in item.annotations if a.unsure or (use_comments and a.comment.strip())]
    if not raised:
        return None
    return len(raised) / len(item.annotations), {
        "annotators": [a.annotator_id for a in raised],
        "unsure": sum(a.unsure for a in raised),
        "comments": sum(bool(a.comment.strip()) for a in raised),
    }
