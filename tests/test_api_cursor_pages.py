"""Long lists page by cursor (keyset), never by COUNT and OFFSET (issue 20)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from labeling.models import AuditEntry
from tests.factories import AnnotationFactory, ItemFactory, PredictionFactory

pytestmark = pytest.mark.django_db


def _walk(client, url: str) -> list[dict]:
    """Follow `next` from `url` to the end; return every row."""
    rows: list[dict] = []
    while url:
        body = client.get(url).json()
        assert "count" not in body
        rows += body["results"]
        url = body["next"]
    return rows


def test_following_next_visits_every_item_once_in_id_order(api_as, project, lead):
    items = ItemFactory.create_batch(7, project=project)

    rows = _walk(api_as(lead), reverse("api-items", args=[project.pk]) + "?page_size=3")

    assert [row["id"] for row in rows] == [item.pk for item in items]


def test_previous_leads_back_to_the_page_before(api_as, project, lead):
    items = ItemFactory.create_batch(5, project=project)
    client = api_as(lead)
    first = client.get(reverse("api-items", args=[project.pk]) + "?page_size=2").json()
    second = client.get(first["next"]).json()

    back = client.get(second["previous"]).json()

    assert first["previous"] is None
    assert [row["id"] for row in back["results"]] == [items[0].pk, items[1].pk]


def test_page_size_is_capped(api_as, project, lead):
    ItemFactory.create_batch(3, project=project)

    body = api_as(lead).get(reverse("api-items", args=[project.pk]) + "?page_size=100000").json()

    assert len(body["results"]) == 3


@pytest.mark.parametrize("name", ["api-items", "api-annotations", "api-predictions", "api-audit"])
def test_no_list_counts_its_rows(api_as, project, lead, name):
    item = ItemFactory(project=project)
    AnnotationFactory(item=item)
    PredictionFactory(item=item)
    AuditEntry.objects.create(project=project, action="x", target_type="item", target_id=str(item.pk))

    with CaptureQueriesContext(connection) as queries:
        response = api_as(lead).get(reverse(name, args=[project.pk]))

    assert response.status_code == 200
    assert response.json()["results"]
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert not [q["sql"] for q in queries if "OFFSET" in q["sql"].upper()]


def test_the_audit_list_pages_oldest_first(api_as, project, lead):
    for n in range(5):
        AuditEntry.objects.create(project=project, action=f"a{n}", target_type="project", target_id=str(project.pk))

    rows = _walk(api_as(lead), f"/api/projects/{project.pk}/audit?page_size=2")

    assert [row["action"] for row in rows] == [f"a{n}" for n in range(5)]


def test_history_pages_newest_change_first(api_as, project, annotator):
    older, newer = (AnnotationFactory(item=ItemFactory(project=project), annotator=annotator) for _ in range(2))

    rows = _walk(api_as(annotator), f"/api/projects/{project.pk}/history?page_size=1")

    assert [row["id"] for row in rows] == [newer.pk, older.pk]


def test_search_puts_the_exact_external_id_first_then_prefix_matches(api_as, project, lead):
    prefixed = [ItemFactory(project=project, external_id=f"doc-1{n}") for n in range(3)]
    exact = ItemFactory(project=project, external_id="doc-1")
    ItemFactory(project=project, external_id="other-doc-1")

    body = api_as(lead).get(reverse("api-items", args=[project.pk]) + "?search=doc-1").json()

    assert [row["id"] for row in body["results"]] == [exact.pk] + [item.pk for item in prefixed]


def test_search_pages_list_the_exact_match_once(api_as, project, lead):
    ItemFactory(project=project, external_id="a")
    for n in range(4):
        ItemFactory(project=project, external_id=f"a{n}")

    rows = _walk(api_as(lead), reverse("api-items", args=[project.pk]) + "?search=a&page_size=2")

    assert [row["external_id"] for row in rows] == ["a", "a0", "a1", "a2", "a3"]


def test_search_treats_like_wildcards_literally(api_as, project, lead):
    ItemFactory(project=project, external_id="x_1")
    ItemFactory(project=project, external_id="xy1")

    body = api_as(lead).get(reverse("api-items", args=[project.pk]) + "?search=x_").json()

    assert [row["external_id"] for row in body["results"]] == ["x_1"]


def test_an_annotator_searches_only_items_they_were_given(api_as, project, annotator):
    ItemFactory(project=project, external_id="secret-1")

    body = api_as(annotator).get(reverse("api-items", args=[project.pk]) + "?search=secret-1").json()

    assert body["results"] == []
