"""The WSGI module loads the whole URLconf at import (gunicorn --preload forks ready workers)
and must not open a database connection there: forked workers would share its socket."""

from __future__ import annotations

import importlib

from django.db import connections
from django.urls import clear_url_caches, get_resolver


def test_import_loads_the_urlconf_without_a_database_connection():
    import config.wsgi

    clear_url_caches()
    importlib.reload(config.wsgi)  # pytest-django raises here if the import touches the database
    assert "urlconf_module" in get_resolver().__dict__  # loaded (a cached_property), not pending
    assert all(connection.connection is None for connection in connections.all())
