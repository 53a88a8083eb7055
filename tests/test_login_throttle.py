"""Failed logins are limited per username and per address, on the page and the token API;
the API is rate-limited per user and per anonymous address (issue #21)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from config import login_limiter
from tests.factories import UserFactory

ADDRESS = "127.0.0.1"
PASSWORD = "pw-secret-123"


@pytest.fixture
def limits(settings):
    """Login limits on: 5 failures per username, 8 per address, a 15-minute window."""
    settings.ACCORD_LOGIN_MAX_FAILURES_PER_USER = 5
    settings.ACCORD_LOGIN_MAX_FAILURES_PER_ADDRESS = 8
    settings.ACCORD_LOGIN_WINDOW_SECONDS = 900
    names = ["victim", "other", "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9"]
    for name in names:
        login_limiter.reset(name, ADDRESS)
    yield settings
    for name in names:
        login_limiter.reset(name, ADDRESS)


def page_login(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_after_25_wrong_passwords_the_right_one_is_refused_on_the_login_page(limits):
    UserFactory(username="victim")
    client = Client()
    statuses = [page_login(client, "victim", f"guess-{n}").status_code for n in range(25)]
    response = page_login(client, "victim", PASSWORD)
    assert statuses[:5] == [200] * 5
    assert set(statuses[5:]) == {429}
    assert response.status_code == 429
    assert "Too many attempts, try again in 15 minutes" in response.content.decode()
    assert int(response["Retry-After"]) > 800
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_successful_login_clears_the_usernames_failures(limits):
    limits.ACCORD_LOGIN_MAX_FAILURES_PER_ADDRESS = 50
    UserFactory(username="victim")
    client = Client()
    for n in range(4):
        page_login(client, "victim", f"guess-{n}")
    assert page_login(client, "victim", PASSWORD).status_code == 302
    client.logout()
    for n in range(4):
        assert page_login(client, "victim", f"again-{n}").status_code == 200
    assert page_login(client, "victim", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_failures_spread_over_many_usernames_block_the_address(limits):
    UserFactory(username="other")
    client = Client()
    for n in range(8):  # one or two tries per name: no username reaches its own limit
        page_login(client, f"x{n % 4}", "guess")
    response = page_login(client, "other", PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


@pytest.mark.django_db
def test_the_window_ends_and_the_right_password_works_again(limits):
    limits.ACCORD_LOGIN_WINDOW_SECONDS = 1
    UserFactory(username="victim")
    client = Client()
    for n in range(6):
        page_login(client, "victim", f"guess-{n}")
    assert page_login(client, "victim", PASSWORD).status_code == 429
    login_limiter.reset("victim", ADDRESS)  # stands in for waiting out the window
    assert page_login(client, "victim", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_token_endpoint_gives_a_token_for_the_right_password(limits):
    UserFactory(username="victim")
    response = APIClient().post(
        "/api/auth/token", {"username": "victim", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


@pytest.mark.django_db
def test_after_25_wrong_passwords_the_token_endpoint_answers_429(limits):
    UserFactory(username="victim")
    api = APIClient()
    statuses = [
        api.post("/api/auth/token", {"username": "victim", "password": f"g{n}"}).status_code
        for n in range(25)
    ]
    response = api.post("/api/auth/token", {"username": "victim", "password": PASSWORD})
    assert statuses[:5] == [400] * 5
    assert set(statuses[5:]) == {429}
    assert response.status_code == 429
    assert response.json()["detail"] == "Too many attempts, try again in 15 minutes."
    assert int(response["Retry-After"]) > 800
    assert "token" not in response.json()


@pytest.mark.django_db
def test_the_api_throttles_a_user_over_the_user_rate(settings, api_as, project, annotator):
    settings.ACCORD_API_RATE_USER = "3/minute"
    cache.delete(f"throttle_user_{annotator.pk}")
    client = api_as(annotator)
    statuses = [client.get("/api/projects").status_code for _ in range(4)]
    cache.delete(f"throttle_user_{annotator.pk}")
    assert statuses == [200, 200, 200, 429]


@pytest.mark.django_db
def test_the_api_throttles_anonymous_clients_by_address(settings):
    settings.ACCORD_API_RATE_ANON = "2/minute"
    cache.delete(f"throttle_anon_{ADDRESS}")
    api = APIClient()
    statuses = [
        api.post("/api/auth/token", {"username": "nobody", "password": "x"}).status_code
        for _ in range(3)
    ]
    cache.delete(f"throttle_anon_{ADDRESS}")
    assert statuses == [400, 400, 429]


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_escape_the_address_limit(limits):
    UserFactory(username="other")
    client = Client()
    for n in range(8):
        client.post("/login/", {"username": f"x{n}", "password": "g"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert page_login(client, "other", PASSWORD).status_code == 429


def test_behind_one_proxy_the_address_it_saw_is_counted(settings, rf):
    settings.ACCORD_NUM_PROXIES = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.1")
    assert login_limiter.client_address(request) == "203.0.113.9"
    settings.ACCORD_NUM_PROXIES = 0
    assert login_limiter.client_address(request) == "10.0.0.1"


@pytest.mark.django_db
def test_the_admin_login_counts_against_the_same_limits(limits):
    UserFactory(username="victim", is_staff=True, is_superuser=True)
    client = Client()
    for n in range(5):
        assert client.post("/admin/login/", {"username": "victim", "password": f"g{n}"}).status_code == 200
    response = client.post("/admin/login/", {"username": "victim", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts, try again in 15 minutes" in response.content.decode()
    assert page_login(client, "victim", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_admin_login_still_logs_staff_in(limits):
    UserFactory(username="victim", is_staff=True)
    client = Client()
    response = client.post("/admin/login/", {"username": "victim", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_attempts_count_before_the_password_is_checked(limits):
    """A burst of parallel guesses is held to the limit: each is counted before it is checked."""
    waits = [login_limiter.attempt("victim", "198.51.100.7") for _ in range(6)]
    login_limiter.reset("victim", "198.51.100.7")
    assert waits[:5] == [0] * 5
    assert waits[5] > 800
