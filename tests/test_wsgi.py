"""The WSGI module loads the whole URLconf at import (gunicorn --preload forks ready workers)
and must not open a database connection there: forked workers would share its socket."""

from __future__ import annotations

import importlib

from django.urls import clear_url_caches, get_resolver


def test_import_loads_the_urlconf_without_a_database_connection():
    import config.wsgi

    clear_url_caches()
    # No django_db mark: pytest-django's blocker raises here if the import opens a connection
    # or runs a query.
    importlib.reload(config.wsgi)
    assert "urlconf_module" in get_resolver().__dict__  # loaded (a cached_property), not pending
