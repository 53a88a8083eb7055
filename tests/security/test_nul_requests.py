"""A NUL character in a query, a form or a JSON body gets a clear 400, never a 500 (issue 21).

PostgreSQL cannot store or compare text holding NUL: `?label=%00` on the flags API and the
data and review pages answered 500, as an HTML page even on the API.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from config.nul_guard import CODE, MESSAGE
from tests.factories import project_creator

pytestmark = pytest.mark.django_db


def page(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "query", [{"label": "\x00"}, {"q": "a\x00b"}, {"reason": "low_agreement", "annotator": "\x00"}, {"\x00": "1"}]
)
def test_the_api_answers_a_nul_in_the_query_with_a_json_400(api_as, lead, project, query):
    response = api_as(lead).get(f"/api/projects/{project.pk}/flags", query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": MESSAGE, "code": CODE}


@pytest.mark.parametrize("name", ["lead-data", "review-queue", "lead-members"])
@pytest.mark.parametrize("param", ["label", "q"])
def test_pages_answer_a_nul_in_the_query_with_a_plain_400(lead, project, name, param):
    response = page(lead).get(reverse(name, kwargs={"project_id": project.pk}), {param: "\x00"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "NUL character" in response.content.decode()


def body(name):
    """A project-create JSON body; `name` is pasted in raw, to carry JSON escapes."""
    return '{"name": "' + name + '", "schema": {"kind": "single", "labels": [{"value": "a"}]}}'


def test_a_json_body_holding_an_escaped_nul_gets_a_400(api_as, outsider):
    response = api_as(outsider).post("/api/projects", body("evil\\u0000name"), content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == CODE


def test_a_form_field_holding_a_nul_gets_a_400(lead, project):
    response = page(lead).post(reverse("lead-members", kwargs={"project_id": project.pk}), {"username": "a\x00"})

    assert response.status_code == 400
    assert response.content.decode() == MESSAGE


def test_an_escaped_backslash_before_u0000_is_text_and_passes(api_as, db):
    response = api_as(project_creator("creator")).post("/api/projects", body("code: \\\\u0000"), content_type="application/json")

    assert response.status_code == 201, response.content
    assert response.json()["name"] == "code: \\u0000"


def test_requests_without_nul_are_untouched(api_as, lead, project):
    response = api_as(lead).get(f"/api/projects/{project.pk}/flags", {"label": "positive"})

    assert response.status_code == 200
