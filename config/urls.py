"""Top-level URLs: health probes, admin, the REST API under /api/, its schema and docs, the pages."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularSwaggerSplitView,
)

from config import health, login_limiter
from config.api_docs import RedocView
from config.metrics.views import metrics

urlpatterns = [
    # Also answered by config.health.HealthProbeMiddleware before the Host check (see there).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # The admin's login counts against the same failed-login limits as /login/.
    path("admin/login/", login_limiter.limit_login_attempts(admin.site.login), name="admin-login"),
    path("metrics", metrics, name="metrics"),  # off unless ACCORD_METRICS_TOKEN is set
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI and ReDoc from drf-spectacular-sidecar's static files; the split view serves
    # Swagger's bootstrap as a script file, so the docs run under the pages' own CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "api/docs/redoc/",
        RedocView.as_view(url_name="api-schema"),
        name="api-redoc",
    ),
    path("api/", include("labeling.api.urls")),
    path("api/", include("review.api.urls")),
    path("api/", include("guidelines.api.urls")),
    path("", include("frontend.urls")),
]
# MEDIA_ROOT is never served by file name, not even with DEBUG: item images go through
# /api/projects/{p}/items/{i}/image, which checks membership and sets the type (issue 21).
