"""Searching the items browser by external id: the item is on the first page, exact match
first, then ids starting with the term, and only from the lead's own project."""

from __future__ import annotations

import pytest

from labeling.browse import BrowseFilters, item_browse
from labeling.models import Project
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


def test_an_external_id_far_beyond_the_search_window_is_found_on_the_first_page(
    project, lead, monkeypatch
):
    monkeypatch.setattr("labeling.browse.SEARCH_WINDOW", 5)
    items = [ItemFactory(project=project, external_id=f"row-{i:03d}") for i in range(30)]
    page = item_browse(lead, project.pk, BrowseFilters(search="row-027"))
    assert [item.pk for item in page.items] == [items[27].pk]


def test_the_exact_match_comes_before_ids_that_start_with_the_term(project, lead):
    longer = ItemFactory(project=project, external_id="doc-10")
    text_hit = ItemFactory(project=project, external_id="x", data={"text": "see doc-1 here"})
    exact = ItemFactory(project=project, external_id="doc-1")
    also_longer = ItemFactory(project=project, external_id="doc-11")
    page = item_browse(lead, project.pk, BrowseFilters(search="doc-1"))
    assert [item.pk for item in page.items] == [exact.pk, longer.pk, also_longer.pk, text_hit.pk]


def test_id_search_never_returns_an_item_of_another_project(project, lead):
    other = Project.objects.create(name="Other", schema=project.schema)
    ItemFactory(project=other, external_id="shared-id")
    mine = ItemFactory(project=project, external_id="shared-id-2")
    page = item_browse(lead, project.pk, BrowseFilters(search="shared-id"))
    assert [item.pk for item in page.items] == [mine.pk]


def test_pinned_matches_still_obey_the_other_filters(project, lead):
    ItemFactory(project=project, external_id="a-1", annotation_count=0)
    page = item_browse(lead, project.pk, BrowseFilters(search="a-1", status="settled"))
    assert page.items == []
