"""API tokens: named, hashed, revocable, last use recorded at most once a minute; page and API."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from labeling.api.auth import FastTokenAuthentication
from labeling.exceptions import NotFound, SchemaError
from labeling.models import ApiToken
from labeling.services.tokens import api_token_create, api_token_revoke, key_digest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _progress(client, project):
    return client.get(f"/api/projects/{project.pk}/progress")


def test_a_new_token_stores_only_the_keys_digest(annotator):
    token, key = api_token_create(user=annotator, name="script")
    stored = ApiToken.objects.get(pk=token.pk)
    assert len(key) >= 40
    assert stored.key_hash == key_digest(key) != key
    assert stored.prefix == key[:8]
    assert key not in str(ApiToken.objects.values_list().get(pk=token.pk))


def test_a_token_needs_a_name(annotator):
    with pytest.raises(SchemaError):
        api_token_create(user=annotator, name="  ")


def test_a_user_can_hold_several_tokens_and_each_authenticates(project, annotator):
    _, first = api_token_create(user=annotator, name="one")
    _, second = api_token_create(user=annotator, name="two")
    assert _progress(_token_client(first), project).status_code == 200
    assert _progress(_token_client(second), project).status_code == 200


def test_a_revoked_token_gets_401_and_the_others_keep_working(project, annotator):
    token, key = api_token_create(user=annotator, name="one")
    _, other = api_token_create(user=annotator, name="two")
    api_token_revoke(user=annotator, token_id=token.pk)
    assert _progress(_token_client(key), project).status_code == 401
    assert _progress(_token_client(other), project).status_code == 200


def test_nobody_can_revoke_another_users_token(annotator, reviewer):
    token, _ = api_token_create(user=annotator, name="mine")
    with pytest.raises(NotFound):
        api_token_revoke(user=reviewer, token_id=token.pk)
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_use_is_recorded_once_a_minute_at_most(project, annotator):
    token, key = api_token_create(user=annotator, name="one")
    client = _token_client(key)
    _progress(client, project)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    _progress(client, project)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first  # not rewritten within a minute
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    _progress(client, project)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - timedelta(minutes=1)


def test_a_recently_used_token_costs_one_read_to_authenticate(annotator):
    token, key = api_token_create(user=annotator, name="one")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        user, found = FastTokenAuthentication().authenticate_credentials(key)
    assert (user.pk, found.pk, len(queries)) == (annotator.pk, token.pk, 1)


# --- API: /api/auth/tokens ---------------------------------------------------------------


def test_the_api_lists_only_my_tokens_without_keys(api_as, annotator, reviewer):
    api_token_create(user=reviewer, name="theirs")
    client = api_as(annotator)  # creates the "tests" token
    api_token_create(user=annotator, name="mine")
    body = client.get(reverse("api-tokens")).json()
    names = sorted(row["name"] for row in body["results"])
    assert names == ["mine", "tests"]
    assert all(set(row) == {"id", "name", "prefix", "created_at", "last_used_at"} for row in body["results"])


def test_the_api_creates_a_token_whose_key_works(api_as, project, annotator):
    response = api_as(annotator).post(reverse("api-tokens"), {"name": "ci"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["api_token"]["name"] == "ci"
    assert _progress(_token_client(body["token"]), project).status_code == 200


def test_the_api_refuses_a_token_without_a_name(api_as, annotator):
    assert api_as(annotator).post(reverse("api-tokens"), {}, format="json").status_code == 400


def test_the_api_revokes_my_token_and_404s_on_anyone_elses(api_as, annotator, reviewer):
    mine, _ = api_token_create(user=annotator, name="mine")
    theirs, _ = api_token_create(user=reviewer, name="theirs")
    client = api_as(annotator)
    assert client.delete(reverse("api-token", args=[theirs.pk])).status_code == 404
    assert client.delete(reverse("api-token", args=[mine.pk])).status_code == 204
    assert list(ApiToken.objects.filter(pk__in=[mine.pk, theirs.pk]).values_list("name", flat=True)) == ["theirs"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_token_api_needs_a_login(api, method):
    assert getattr(api, method)(reverse("api-tokens")).status_code == 401


def test_revoking_needs_a_login(api, annotator):
    token, _ = api_token_create(user=annotator, name="mine")
    assert api.delete(reverse("api-token", args=[token.pk])).status_code == 401


# --- the page: /account/tokens/ ------------------------------------------------------------


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_tokens_page_sends_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("account-tokens"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_token_created_on_the_page_is_shown_once_and_works(project, annotator):
    client = _logged_in(annotator)
    response = client.post(reverse("account-tokens"), {"name": "laptop"}, follow=True)
    key = response.context["new"]["key"]
    assert key in response.content.decode()
    assert _progress(_token_client(key), project).status_code == 200
    again = client.get(reverse("account-tokens")).content.decode()
    assert key not in again
    assert "laptop" in again


def test_the_page_lists_only_my_tokens(annotator, reviewer):
    api_token_create(user=reviewer, name="reviewer-secret-script")
    api_token_create(user=annotator, name="my-script")
    page = _logged_in(annotator).get(reverse("account-tokens")).content.decode()
    assert "my-script" in page
    assert "reviewer-secret-script" not in page


def test_an_unnamed_token_is_refused_on_the_page(annotator):
    response = _logged_in(annotator).post(reverse("account-tokens"), {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=annotator).exists()


def test_revoking_on_the_page_deletes_only_my_own_token(annotator, reviewer):
    mine, _ = api_token_create(user=annotator, name="mine")
    theirs, _ = api_token_create(user=reviewer, name="theirs")
    client = _logged_in(annotator)
    client.post(reverse("account-token-revoke", args=[theirs.pk]))
    client.post(reverse("account-token-revoke", args=[mine.pk]))
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["theirs"]


def test_revoking_needs_post(annotator):
    mine, _ = api_token_create(user=annotator, name="mine")
    assert _logged_in(annotator).get(reverse("account-token-revoke", args=[mine.pk])).status_code == 405
    assert ApiToken.objects.filter(pk=mine.pk).exists()


def test_the_header_menu_links_the_tokens_page(annotator):
    page = _logged_in(annotator).get("/").content.decode()
    assert reverse("account-tokens") in page
    assert reverse("password_change") in page


def test_keys_of_drf_tokens_made_before_the_upgrade_keep_working(project, annotator):
    from django.apps import apps
    from rest_framework.authtoken.models import Token

    migration = importlib.import_module("labeling.migrations.0012_copy_authtoken_keys")
    old = Token.objects.create(user=annotator)
    migration.copy_keys(apps, None)
    assert _progress(_token_client(old.key), project).status_code == 200
    assert ApiToken.objects.get(user=annotator).prefix == old.key[:8]


def test_the_admin_lists_tokens_without_their_digests(annotator):
    api_token_create(user=annotator, name="listed-in-admin")
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = _logged_in(admin)
    page = client.get("/admin/labeling/apitoken/").content.decode()
    token = ApiToken.objects.get()
    assert "listed-in-admin" in page
    assert token.key_hash not in page
    assert token.key_hash not in client.get(f"/admin/labeling/apitoken/{token.pk}/change/").content.decode()
