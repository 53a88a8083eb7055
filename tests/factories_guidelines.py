"""Helpers for guideline tests: publish versions through the real services."""

from __future__ import annotations

from guidelines import services


def publish(project, lead, markdown: str, changelog: str = "", example_item_ids=()):
    """Save `markdown` as the draft and publish it; returns the new GuidelineVersion."""
    services.draft_save(project=project, author=lead, markdown=markdown)
    return services.version_publish(
        project=project, author=lead, changelog=changelog, example_item_ids=example_item_ids
    )
