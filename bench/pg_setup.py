"""Shared start-up for the PostgreSQL benchmarks: create the database, set Django up, migrate."""

from __future__ import annotations

import os
import sys


def database_create(url: str) -> None:
    """Create the benchmark database when missing (connects to the server's 'postgres' db)."""
    import psycopg2

    server, name = url.rsplit("/", 1)
    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def django_on_postgres() -> None:
    """Refuse anything but PostgreSQL, create the database, set Django up and migrate it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (this bench is about PostgreSQL).")
    database_create(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
