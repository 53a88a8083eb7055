"""Shared fixtures: personas (lead, reviewer, annotators, outsider) on one project, API clients."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from config.celery import app as celery_app
from labeling.models import Role
from labeling.services.tokens import api_token_create
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

# Unit tests run tasks eagerly; tests that need a real worker start one themselves.
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True
# The live server's threads must see this app too (Celery's current app is thread-local).
celery_app.set_default()

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(available: bool, reason: str) -> None:
    """Skip when a service is missing on a developer machine; fail in CI, where it must exist."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this test must run, not skip)")
    pytest.skip(reason)


CHROMIUM = os.environ.get("ACCORD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    """The session's one Chromium (Playwright allows one sync instance per thread), shared by
    tests/browser and tests/security; skips without Chromium, fails under CI=true."""
    require_service(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's async-safety check
    # would otherwise refuse the ORM calls that tests make between browser steps.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def project(db):
    return ProjectFactory()


@pytest.fixture
def lead(project):
    return MembershipFactory(project=project, user=UserFactory(username="lead"), role=Role.LEAD).user


@pytest.fixture
def reviewer(project):
    user = UserFactory(username="reviewer")
    return MembershipFactory(project=project, user=user, role=Role.REVIEWER).user


@pytest.fixture
def annotators(project):
    users = [UserFactory(username=f"annotator{i}") for i in (1, 2, 3)]
    for user in users:
        MembershipFactory(project=project, user=user, role=Role.ANNOTATOR)
    return users


@pytest.fixture
def annotator(annotators):
    return annotators[0]


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture
def api():
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def api_as():
    """api_as(user) -> an API client authenticated with the user's token."""

    def make(user):
        client = APIClient()
        _, key = api_token_create(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 is slow on purpose (~0.5 s per user); tests need logins, not strong hashes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _rate_limits_off(settings):
    """The suite logs in and calls the API far faster than a person; the limits' own tests
    (tests/test_login_throttle.py) turn them back on with low values."""
    settings.ACCORD_API_RATE_USER = ""
    settings.ACCORD_API_RATE_ANON = ""
    settings.ACCORD_LOGIN_MAX_FAILURES_PER_USER = 0
    settings.ACCORD_LOGIN_MAX_FAILURES_PER_ADDRESS = 0
