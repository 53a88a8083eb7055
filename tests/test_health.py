"""Health probes (issue #18): /healthz answers while the process lives; /readyz answers 200 only
when the database, the broker and the storage answer, and 503 naming the one that did not."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connections
from kombu import Connection

from config import health


@pytest.fixture
def media(settings, tmp_path):
    """A writable media folder (the storage check needs one); the broker stays as configured."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def test_healthz_answers_ok_without_touching_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_answers_200_when_database_broker_and_storage_answer(client, media):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["checks"] == {"database": "ok", "broker": "ok", "storage": "ok"}
    assert body["failed"] == []


@pytest.mark.django_db
def test_readyz_answers_503_naming_the_database_when_it_is_down(client, media):
    down = OperationalError("connection to server at 10.0.0.9 failed: password for accord")
    with mock.patch.object(connections["default"], "cursor", side_effect=down):
        response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == "error: OperationalError"
    assert "10.0.0.9" not in response.content.decode()  # the message stays in the log


@pytest.mark.django_db
def test_readyz_answers_503_naming_the_broker_when_it_refuses_connections(client, media):
    # Port 1 on loopback refuses at once: a real failed connection, not a mocked one.
    refused = Connection("redis://127.0.0.1:1/0", connect_timeout=1)
    with mock.patch.object(health.celery_app, "connection_for_write", return_value=refused):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]


@pytest.mark.django_db
def test_readyz_answers_503_naming_the_storage_when_the_media_folder_is_missing(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "not-mounted")

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]


@pytest.mark.django_db
def test_probes_answer_a_host_outside_allowed_hosts_over_plain_http(client, settings, media):
    """Compose probes http://127.0.0.1:8000/readyz from inside the container; production
    allows only its public name and redirects plain HTTP to HTTPS."""
    settings.ALLOWED_HOSTS = ["accord.example.org"]
    settings.SECURE_SSL_REDIRECT = True

    ready = client.get("/readyz", HTTP_HOST="127.0.0.1:8000")
    alive = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    page = client.get("/login/", HTTP_HOST="127.0.0.1:8000")

    assert (ready.status_code, alive.status_code) == (200, 200)
    assert page.status_code == 400  # every other path still checks the Host header


def test_probe_paths_resolve_through_the_urlconf_too():
    from django.urls import resolve

    assert resolve("/healthz").func is health.healthz
    assert resolve("/readyz").func is health.readyz
