"""POST /api/auth/token (the sec-web branch owns the endpoint and its throttling): the key it
returns must be one of the caller's named ApiTokens, or it would not authenticate.

Skipped until that endpoint is merged; after the merge it guards the one-line change there
(`api_token_create(user=user, name="POST /api/auth/token")` instead of DRF's Token).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from labeling.models import ApiToken


def _obtain_url() -> str:
    return reverse("api-auth-token")


pytestmark = pytest.mark.django_db


def test_the_obtained_key_is_a_named_token_that_authenticates(api, project, annotator):
    response = api.post(
        _obtain_url(), {"username": annotator.username, "password": "pw-secret-123"}, format="json"
    )
    assert response.status_code == 200
    key = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(f"/api/projects/{project.pk}/progress").status_code == 200
    assert ApiToken.objects.filter(user=annotator, prefix=key[:8]).exists()
