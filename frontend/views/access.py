"""One decorator for pages whose selectors raise labeling's domain errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from labeling.exceptions import NotFound, PermissionDenied

View = Callable[..., HttpResponse]


def member_page(view: View) -> View:
    """Log-in required; NotFound (outsiders) becomes 404 and PermissionDenied (wrong role) 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error
        except PermissionDenied as error:
            raise DjangoPermissionDenied(error.message) from error

    return wrapper
