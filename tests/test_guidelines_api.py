"""Guidelines REST API: every endpoint against every role, and the acknowledgement gate."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guidelines.models import Acknowledgement, Guideline, GuidelineVersion
from labeling.models import Annotation, Membership
from tests.factories import ItemFactory
from tests.factories_guidelines import publish

V1 = "## positive\nHappy.\n\n## negative\nSad.\n"
V2 = "## positive\nHappy.\n\n## negative\nSad or angry.\n"


def api_url(name, project, **kwargs):
    return reverse(name, kwargs={"project_id": project.pk, **kwargs})


@pytest.fixture
def published(project, lead):
    publish(project, lead, V1, "first")
    return publish(project, lead, V2, "anger is negative")


@pytest.fixture
def users(lead, reviewer, annotator, outsider):
    return {"lead": lead, "reviewer": reviewer, "annotator": annotator, "outsider": outsider}


READS = [
    ("api-guideline-versions", {}),
    ("api-guideline-version", {"number": 2}),
    ("api-guideline-diff", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), READS)
@pytest.mark.parametrize(
    ("who", "code"),
    [("anonymous", 401), ("outsider", 404), ("annotator", 200), ("reviewer", 200), ("lead", 200)],
)
def test_reads_are_open_to_members_only(
    name, kwargs, who, code, project, published, users, api, api_as
):
    client = api if who == "anonymous" else api_as(users[who])
    assert client.get(api_url(name, project, **kwargs)).status_code == code


@pytest.mark.parametrize(
    ("who", "code"),
    [("anonymous", 401), ("outsider", 404), ("annotator", 403), ("reviewer", 403), ("lead", 200)],
)
def test_draft_is_for_leads_only(who, code, project, users, api, api_as):
    client = api if who == "anonymous" else api_as(users[who])
    response = client.put(api_url("api-guideline-draft", project), {"markdown": V1}, format="json")
    assert response.status_code == code
    assert Guideline.objects.filter(project=project).exists() == (code == 200)
    assert client.get(api_url("api-guideline-draft", project)).status_code == code


@pytest.mark.parametrize(
    ("who", "code"),
    [("anonymous", 401), ("outsider", 404), ("annotator", 403), ("reviewer", 403), ("lead", 201)],
)
def test_publishing_is_for_leads_only(who, code, project, lead, users, api, api_as):
    api_as(lead).put(api_url("api-guideline-draft", project), {"markdown": V1}, format="json")
    client = api if who == "anonymous" else api_as(users[who])
    response = client.post(
        api_url("api-guideline-publish", project), {"changelog": "v1"}, format="json"
    )
    assert response.status_code == code
    assert GuidelineVersion.objects.filter(project=project).count() == (1 if code == 201 else 0)


@pytest.mark.parametrize(
    ("who", "code"),
    [("anonymous", 401), ("outsider", 404), ("annotator", 200), ("reviewer", 200), ("lead", 200)],
)
def test_acknowledging_is_open_to_every_member(who, code, project, published, users, api, api_as):
    client = api if who == "anonymous" else api_as(users[who])
    response = client.post(api_url("api-guideline-acknowledge", project))
    assert response.status_code == code
    if code == 200:
        assert response.json()["version"] == 2
        assert Acknowledgement.objects.filter(user=users[who], version=published).exists()


def test_publish_returns_the_new_version_with_examples(project, lead, api_as):
    item = ItemFactory(project=project, is_example=True, final_value={"label": "negative"})
    client = api_as(lead)
    client.put(
        api_url("api-guideline-draft", project), {"markdown": V1, "changelog": "c"}, format="json"
    )
    body = {"example_item_ids": [item.pk]}
    data = client.post(api_url("api-guideline-publish", project), body, format="json").json()
    assert (data["number"], data["changelog"], data["author"]) == (1, "c", "lead")
    assert data["examples"][0]["labels"] == ["negative"]


def test_publishing_an_empty_draft_is_a_400(project, lead, api_as):
    response = api_as(lead).post(api_url("api-guideline-publish", project), {}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "nothing_to_publish"


def test_publishing_a_non_example_item_is_a_400(project, lead, api_as):
    item = ItemFactory(project=project)
    client = api_as(lead)
    client.put(api_url("api-guideline-draft", project), {"markdown": V1}, format="json")
    body = {"example_item_ids": [item.pk]}
    response = client.post(api_url("api-guideline-publish", project), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"item_ids": [item.pk]}


def test_version_detail_has_sanitised_html(project, lead, annotator, api_as):
    publish(project, lead, V1 + "\n<script>alert(1)</script>\n")
    data = api_as(annotator).get(api_url("api-guideline-version", project, number=1)).json()
    assert "<h2>negative</h2>" in data["html"]
    assert "<script" not in data["html"]


def test_unknown_version_is_a_404(project, published, annotator, api_as):
    client = api_as(annotator)
    assert client.get(api_url("api-guideline-version", project, number=9)).status_code == 404
    assert client.get(api_url("api-guideline-diff", project) + "?old=1&new=9").status_code == 404
    assert client.get(api_url("api-guideline-diff", project) + "?new=x").status_code == 404


def test_diff_reports_marked_words_and_changed_labels(project, published, annotator, api_as):
    data = api_as(annotator).get(api_url("api-guideline-diff", project) + "?old=1&new=2").json()
    assert data["changed_labels"] == ["negative"]
    assert "Sad<ins> or angry</ins>." in data["html"]
    assert (data["old"], data["new"], data["inserted"]) == (1, 2, 2)


def test_versions_list_newest_first(project, published, annotator, api_as):
    data = api_as(annotator).get(api_url("api-guideline-versions", project)).json()
    assert [row["number"] for row in data["results"]] == [2, 1]


def test_acknowledging_before_any_publication_is_a_409(project, annotator, api_as):
    response = api_as(annotator).post(api_url("api-guideline-acknowledge", project))
    assert response.status_code == 409
    assert Membership.objects.get(project=project, user=annotator).acknowledged_version == 0


def _next_url(project):
    return reverse("api-next", kwargs={"project_id": project.pk})


def test_next_item_waits_for_acknowledgement_and_labels_carry_the_version(
    project, published, annotator, api_as
):
    ItemFactory(project=project)
    client = api_as(annotator)
    refused = client.post(_next_url(project))
    assert refused.status_code == 409
    assert refused.json()["code"] == "guideline_ack_required"
    client.post(api_url("api-guideline-acknowledge", project))
    served = client.post(_next_url(project))
    assert served.status_code == 200
    assignment_id = served.json()["assignment"]["id"]
    submit = reverse("api-assignment-submit", kwargs={"assignment_id": assignment_id})
    assert client.post(submit, {"value": {"label": "negative"}}, format="json").status_code < 300
    assert Annotation.objects.get(annotator=annotator).guideline_version == 2


def test_publishing_an_example_id_no_database_integer_holds_is_a_400(project, lead, api_as):
    # Found by schemathesis: the id reached the query and overflowed (500).
    publish(project, lead, V1)
    body = {"example_item_ids": [2**115]}
    response = api_as(lead).post(api_url("api-guideline-publish", project), body, format="json")
    assert response.status_code == 400
    assert "example_item_ids" in response.json()
