"""`{% project_nav %}`: the shared project navigation every project page shows in its top bar."""

from __future__ import annotations

from typing import Any

from django import template

from frontend.nav import project_links
from labeling.permissions import role_of

register = template.Library()


@register.inclusion_tag("frontend/_project_nav.html", takes_context=True)
def project_nav(context: template.Context) -> dict[str, Any]:
    """Links for the page's `project` that the user's role allows, the current one marked.

    Pages without a project (home, account) get only the link back to the project list.
    """
    request = context.get("request")
    project = context.get("project")
    if request is None or project is None or not getattr(project, "pk", None):
        return {"project": None, "links": []}
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else ""
    role = role_of(request.user, project.pk)
    return {
        "project": project,
        "links": project_links(project_id=project.pk, role=role, current=current or ""),
    }
