"""The project navigation: one list of links, registered by each area's urls module.

Every project page renders it through `{% project_nav %}` (frontend/templatetags/nav.py), and
the home page picks each role's main actions from the same registry, so a link a role may not
follow is never shown anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class ProjectLink:
    label: str
    url_name: str  # reversed with project_id=<id>
    roles: frozenset[str]
    order: int
    # Pages below this one (e.g. a review item under the queue): the link is current on them.
    sub_pages: frozenset[str] = frozenset()


_LINKS: dict[str, ProjectLink] = {}

# The few actions the home page offers for a project, per role (the rest is one click away).
HOME_ACTIONS: dict[str, tuple[str, ...]] = {
    "annotator": ("annotate", "guideline"),
    "reviewer": ("review-queue", "annotate", "agreement"),
    "lead": ("lead-dashboard", "lead-data", "review-queue", "lead-settings", "annotate"),
}


def register_project_link(
    *, label: str, url_name: str, roles: set[str], order: int, sub_pages: set[str] | None = None
) -> None:
    """Show a link to `url_name` in the project navigation for members holding one of `roles`."""
    _LINKS[url_name] = ProjectLink(
        label, url_name, frozenset(roles), order, frozenset(sub_pages or ())
    )


def project_links(
    *, project_id: int, role: str | None, current: str = ""
) -> list[dict[str, str | bool]]:
    """The links a member with `role` sees for a project, in order; `current` (a url name)
    marks the link of the page being shown, or of its parent page."""
    links = sorted(_LINKS.values(), key=lambda link: link.order)
    return [
        {
            "label": link.label,
            "url_name": link.url_name,
            "url": reverse(link.url_name, kwargs={"project_id": project_id}),
            "current": current == link.url_name or current in link.sub_pages,
        }
        for link in links
        if role in link.roles
    ]


def home_actions(*, project_id: int, role: str) -> list[dict[str, str | bool]]:
    """The role's main actions for one project card on the home page."""
    wanted = HOME_ACTIONS.get(role, ())
    links = {link["url_name"]: link for link in project_links(project_id=project_id, role=role)}
    return [links[name] for name in wanted if name in links]
