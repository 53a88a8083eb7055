"""Per-project links on the home page. Each area registers its links from its urls module."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class ProjectLink:
    label: str
    url_name: str  # reversed with project_id=<id>
    roles: frozenset[str]
    order: int


_LINKS: dict[str, ProjectLink] = {}


def register_project_link(*, label: str, url_name: str, roles: set[str], order: int) -> None:
    """Show a link to `url_name` on each project card for members holding one of `roles`."""
    _LINKS[url_name] = ProjectLink(label, url_name, frozenset(roles), order)


def project_links(*, project_id: int, role: str) -> list[dict[str, str]]:
    """The links a member with `role` sees for a project, in registration order."""
    links = sorted(_LINKS.values(), key=lambda link: link.order)
    return [
        {"label": link.label, "url": reverse(link.url_name, kwargs={"project_id": project_id})}
        for link in links
        if role in link.roles
    ]
