"""Projects, members, items, annotations and predictions over REST, for every role."""

import pytest
from django.urls import reverse

from labeling.assignment.engine import next_item
from labeling.models import AssignmentStatus, Membership, Role
from labeling.services.people import project_creator_set
from tests.factories import SINGLE_SCHEMA, AnnotationFactory, ItemFactory, PredictionFactory

pytestmark = pytest.mark.django_db


def test_anonymous_request_gets_401(api, project):
    response = api.get(reverse("api-project", args=[project.pk]))
    assert response.status_code == 401


def test_outsider_gets_404_for_a_project(api_as, project, outsider):
    response = api_as(outsider).get(reverse("api-project", args=[project.pk]))
    assert response.status_code == 404


def test_project_list_shows_only_my_projects(api_as, project, annotator, outsider):
    mine = api_as(annotator).get(reverse("api-projects")).json()
    theirs = api_as(outsider).get(reverse("api-projects")).json()
    assert [p["id"] for p in mine["results"]] == [project.pk]
    assert theirs["results"] == []


def test_creating_a_project_makes_the_creator_its_lead(api_as, outsider):
    project_creator_set(user=outsider, allowed=True)
    response = api_as(outsider).post(
        reverse("api-projects"), {"name": "New", "schema": SINGLE_SCHEMA}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Membership.objects.get(project_id=response.json()["id"], user=outsider).role == Role.LEAD


def test_creating_a_project_with_a_bad_schema_explains_why(api_as, outsider):
    project_creator_set(user=outsider, allowed=True)
    response = api_as(outsider).post(
        reverse("api-projects"), {"name": "Bad", "schema": {"kind": "poll"}}, format="json"
    )
    assert response.status_code == 400
    assert "schema.kind must be one of" in response.json()["detail"]


@pytest.mark.parametrize(("persona", "status"), [("annotator", 403), ("reviewer", 403), ("lead", 201)])
def test_only_a_lead_adds_members(request, api_as, project, lead, reviewer, annotator, outsider, persona, status):
    user = request.getfixturevalue(persona)
    response = api_as(user).post(
        reverse("api-members", args=[project.pk]), {"username": "outsider", "role": "annotator"}
    )
    assert response.status_code == status
    assert Membership.objects.filter(project=project, user=outsider).exists() == (status == 201)


def test_the_last_lead_cannot_be_removed(api_as, project, lead):
    membership = Membership.objects.get(project=project, user=lead)
    response = api_as(lead).delete(reverse("api-member", args=[project.pk, membership.pk]))
    assert response.status_code == 409
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_removing_a_member_releases_their_live_leases_to_the_pool(api_as, project, lead, annotators):
    project.overlap = 1
    project.save(update_fields=["overlap"])
    item = ItemFactory(project=project)
    leaving, staying = annotators[0], annotators[1]
    lease = next_item(project, leaving)
    assert next_item(project, staying) is None  # the one slot is held
    membership = Membership.objects.get(project=project, user=leaving)
    response = api_as(lead).delete(reverse("api-member", args=[project.pk, membership.pk]))
    assert response.status_code == 204
    lease.refresh_from_db()
    assert (lease.status, lease.finished_at is not None) == (AssignmentStatus.RELEASED, True)
    assert next_item(project, staying).item == item


def test_annotator_never_reads_a_peers_annotations(api_as, project, annotators, reviewer):
    me, peer, _ = annotators
    item = ItemFactory(project=project)
    AnnotationFactory(item=item, annotator=me, value={"label": "positive"})
    AnnotationFactory(item=item, annotator=peer, value={"label": "negative"})
    mine = api_as(me).get(reverse("api-annotations", args=[project.pk])).json()["results"]
    everyone = api_as(reviewer).get(reverse("api-annotations", args=[project.pk])).json()["results"]
    assert [a["annotator"] for a in mine] == ["annotator1"]
    assert sorted(a["annotator"] for a in everyone) == ["annotator1", "annotator2"]


def test_annotator_cannot_list_predictions_or_unassigned_items(api_as, project, annotator, lead):
    ItemFactory(project=project)
    PredictionFactory(item=ItemFactory(project=project))
    assert api_as(annotator).get(reverse("api-predictions", args=[project.pk])).status_code == 403
    assert api_as(annotator).get(reverse("api-items", args=[project.pk])).json()["results"] == []
    assert len(api_as(lead).get(reverse("api-items", args=[project.pk])).json()["results"]) == 2
    assert len(api_as(lead).get(reverse("api-predictions", args=[project.pk])).json()["results"]) == 1


def test_item_lists_are_paginated_by_cursor_without_a_count(api_as, project, lead):
    ItemFactory.create_batch(55, project=project)
    page = api_as(lead).get(reverse("api-items", args=[project.pk])).json()
    assert "count" not in page
    assert len(page["results"]) == 50
    assert page["next"]


def test_openapi_schema_is_served(api_as, outsider):
    response = api_as(outsider).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/projects" in response.content


def test_the_last_lead_cannot_be_demoted(api_as, project, lead):
    response = api_as(lead).post(
        reverse("api-members", args=[project.pk]), {"username": "lead", "role": "annotator"}
    )
    assert response.status_code == 409
    assert Membership.objects.get(project=project, user=lead).role == Role.LEAD
