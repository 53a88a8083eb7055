"""Role checks for the lead pages: outsiders get 404, members without the role get 403."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from labeling.choices import Role
from labeling.exceptions import NotFound, PermissionDenied
from labeling.permissions import project_for_role

if TYPE_CHECKING:
    from labeling.models import Project

LEAD_ONLY = (Role.LEAD,)
LEAD_OR_REVIEWER = (Role.LEAD, Role.REVIEWER)

View = Callable[..., HttpResponse]


def project_page(roles: Iterable[str] = LEAD_ONLY) -> Callable[[View], View]:
    """Decorate a page view taking `project_id`: it receives the Project as `project` instead."""
    allowed = tuple(roles)

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, project_id: int, **kwargs: Any) -> HttpResponse:
            project = project_or_http_error(request, project_id, allowed)
            return view(request, project, **kwargs)

        return wrapper

    return decorate


def project_or_http_error(request: HttpRequest, project_id: int, roles: Iterable[str]) -> Project:
    """The project, or Http404 for outsiders and Django's PermissionDenied (403) for others."""
    try:
        return project_for_role(request.user, project_id, roles)  # type: ignore[arg-type]
    except NotFound as error:
        raise Http404(error.message) from error
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error
