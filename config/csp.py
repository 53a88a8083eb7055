"""Content-Security-Policy on every response, from one small middleware.

Pages run only Accord's own scripts (script-src 'self'; templates hold no inline script or
event-handler attribute), connect and submit only to Accord, and cannot be framed. Styles
allow 'unsafe-inline' because progress bars and severity meters set their width in a style
attribute and htmx adds its indicator <style>; scripts are the part that matters for XSS.

Images load from Accord and data: URLs; a page that shows a guideline adds the hosts its
project allows (allow_images_from). A response that sets its own policy (the image endpoint's
sandbox) keeps it. The API docs (Swagger UI and ReDoc at /api/docs/) come from
drf-spectacular-sidecar's static files with no inline script, so they run under this policy;
the ReDoc page alone may also start its search worker from a blob: URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
_REQUEST_ATTRIBUTE = "accord_csp_image_hosts"
_WORKERS_ATTRIBUTE = "accord_csp_blob_workers"


def allow_images_from(request: HttpRequest, hosts: Iterable[str]) -> None:
    """Let this request's page load images from `hosts` (validated bare host names)."""
    setattr(request, _REQUEST_ATTRIBUTE, list(hosts))


def allow_blob_workers(request: HttpRequest) -> None:
    """Let this request's page start web workers from blob: URLs that its own script made.

    Only the ReDoc page asks: its search index runs in such a worker. Scripts stay 'self'.
    """
    setattr(request, _WORKERS_ATTRIBUTE, True)


def policy_for(request: HttpRequest) -> str:
    """The header value for a request: the page policy plus what the view allowed it."""
    hosts = getattr(request, _REQUEST_ATTRIBUTE, [])
    directives = {**POLICY, "img-src": [*POLICY["img-src"], *hosts]}
    if getattr(request, _WORKERS_ATTRIBUTE, False):
        directives["worker-src"] = ["'self'", "blob:"]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    """Add the Content-Security-Policy header unless the view set one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = policy_for(request)
        return response
