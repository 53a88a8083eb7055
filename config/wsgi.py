"""WSGI entry point (gunicorn config.wsgi).

The URL configuration (and the modules it imports) is loaded here rather than by each worker's
first request: with `gunicorn --preload` the workers fork ready to serve and share those pages,
and no early request waits behind a worker importing code.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - loads the URLconf now
