"""Template filter for items whose image is an http(s) URL on a host the project allows."""

from __future__ import annotations

from typing import Any

from django import template

from labeling.image_urls import image_url_allowed

register = template.Library()


@register.filter
def remote_image(item: Any, project: Any) -> str | None:
    """The item's image URL if the browser may load it from its host (project.settings.image_hosts)."""
    return image_url_allowed(item.data, project.settings)
