"""Token authentication (labeling.api.auth): a good key works; bad keys and inactive users get 401."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from labeling.models import ApiToken

pytestmark = pytest.mark.django_db


def progress(client, project):
    return client.get(f"/api/projects/{project.pk}/progress")


def test_a_members_token_authenticates_them(api_as, project, annotator):
    response = progress(api_as(annotator), project)
    assert response.status_code == 200
    assert set(response.json()) == {"done", "remaining", "remaining_more"}


def test_an_unknown_token_gets_401_with_a_challenge(project, annotator):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = progress(client, project)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_deactivated_users_token_stops_working(api_as, project, annotator):
    client = api_as(annotator)
    annotator.is_active = False
    annotator.save(update_fields=["is_active"])
    assert progress(client, project).status_code == 401


def test_a_deleted_token_stops_working(api_as, project, annotator):
    client = api_as(annotator)
    ApiToken.objects.filter(user=annotator).delete()
    assert progress(client, project).status_code == 401
