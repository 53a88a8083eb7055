"""The items browser's sortable columns: (value, id) keyset paging in both directions."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse

from labeling.browse import BrowseFilters, item_browse
from labeling.browse_sort import decode_cursor, encode_cursor, parse_sort
from labeling.models import Item
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db

NO_FILTER = BrowseFilters()
SORTS = ("external_id", "-external_id", "labels", "-labels", "agreement", "-agreement")
# Ties (0.5 three times, counts repeat) and NULL agreements spread through the id range.
AGREEMENTS = [0.5, None, 0.9, 0.5, 0.1, None, 1.0, 0.5, 0.25, None, 0.9, 0.0, None, 0.75]


@pytest.fixture
def items(project):
    rows = []
    for n, agreement in enumerate(AGREEMENTS * 2):
        rows.append(
            ItemFactory(
                project=project,
                external_id=f"doc~{(n * 7) % 29:02d}",  # the cursor separator inside the value
                agreement=agreement,
                annotation_count=n % 4,
            )
        )
    return rows


def _expected(project, sort):
    """The ORM's full ordering: value then id in the sort's direction, NULLs last."""
    key = parse_sort(sort)
    column = F(key.field)
    order = column.desc(nulls_last=True) if key.descending else column.asc(nulls_last=True)
    ids = Item.objects.filter(project=project).order_by(order, "-id" if key.descending else "id")
    return list(ids.values_list("id", flat=True))


def _walk(lead, project, sort, filters=NO_FILTER, limit=4):
    pages, after = [], None
    while True:
        page = item_browse(lead, project.pk, filters, after_id=after, limit=limit, sort=sort)
        pages.append(page)
        if page.next_after is None:
            return pages
        after = page.next_after


@pytest.mark.parametrize("sort", SORTS)
def test_each_sort_pages_forward_in_the_orms_full_order(project, lead, items, sort):
    pages = _walk(lead, project, sort)
    assert [item.pk for page in pages for item in page.items] == _expected(project, sort)
    assert [len(page.items) for page in pages] == [4] * 7
    assert pages[0].prev_before is None
    assert all(page.prev_before is not None for page in pages[1:])


@pytest.mark.parametrize("sort", SORTS)
def test_backward_paging_returns_the_same_pages(project, lead, items, sort):
    forward = _walk(lead, project, sort, limit=5)
    page, backward = forward[-1], [forward[-1]]
    while page.prev_before is not None:
        page = item_browse(
            lead, project.pk, NO_FILTER, before_id=page.prev_before, limit=5, sort=sort
        )
        backward.append(page)
    assert [[i.pk for i in p.items] for p in reversed(backward)] == [
        [i.pk for i in p.items] for p in forward
    ]
    assert all(p.next_after is not None for p in backward[1:])


def test_agreement_orders_put_nulls_last_both_ways(project, lead, items):
    for sort in ("agreement", "-agreement"):
        seen = [item.agreement for page in _walk(lead, project, sort) for item in page.items]
        nulls = AGREEMENTS.count(None) * 2
        assert seen[-nulls:] == [None] * nulls
        assert None not in seen[:-nulls]
        assert seen[:-nulls] == sorted(seen[:-nulls], reverse=sort.startswith("-"))


@pytest.mark.parametrize("sort", SORTS)
def test_cursors_round_trip(items, sort):
    key = parse_sort(sort)
    for item in items:
        cursor = decode_cursor(key, encode_cursor(key, item))
        assert (cursor.value, cursor.id) == (getattr(item, key.field), item.pk)


@pytest.mark.parametrize("sort", ["", "bogus", "--agreement", "agreement;drop", "Agreement", "-"])
def test_bad_sort_values_give_the_id_order(project, lead, items, sort):
    pages = _walk(lead, project, sort)
    assert [item.pk for page in pages for item in page.items] == sorted(i.pk for i in items)
    assert parse_sort(sort) is None


@pytest.mark.parametrize("cursor", ["abc", "~", "0.5~", "nan~3", "x~-1", "inf~4", "null"])
def test_bad_cursors_give_the_first_page(project, lead, items, cursor):
    first = item_browse(lead, project.pk, NO_FILTER, limit=4, sort="agreement")
    page = item_browse(lead, project.pk, NO_FILTER, after_id=cursor, limit=4, sort="agreement")
    again = item_browse(lead, project.pk, NO_FILTER, before_id=cursor, limit=4, sort="labels")
    assert [i.pk for i in page.items] == [i.pk for i in first.items]
    assert len(again.items) == 4


def test_filters_keep_working_with_a_sort(project, lead, items):
    filters = BrowseFilters(agreement_min=0.5)
    seen = [item.pk for page in _walk(lead, project, "-agreement", filters) for item in page.items]
    wanted = [
        pk
        for pk in _expected(project, "-agreement")
        if (Item.objects.get(pk=pk).agreement or 0) >= 0.5
    ]
    assert seen == wanted


def test_search_sorts_its_window_page_and_pins_the_exact_id_first(project, lead, items):
    page = item_browse(lead, project.pk, BrowseFilters(search="doc~14"), sort="-agreement")
    assert [item.external_id for item in page.items] == ["doc~14"]
    text = item_browse(lead, project.pk, BrowseFilters(search="Item text"), sort="-agreement")
    values = [item.agreement for item in text.items]
    present = [v for v in values if v is not None]
    assert len(values) == len(items)
    assert present == sorted(present, reverse=True)
    assert values[len(present) :] == [None] * (len(values) - len(present))


def test_page_header_links_carry_aria_sort_and_keep_the_filters(project, lead, items):
    client = Client()
    client.force_login(lead)
    url = reverse("lead-data", kwargs={"project_id": project.pk})
    html = client.get(url, {"sort": "-agreement", "status": "complete"}).content.decode()
    assert html.count("aria-sort=") == 1
    assert (
        'aria-sort="descending"><a class="sort-link" href="?status=complete&amp;sort=agreement"'
        in html
    )
    assert 'href="?status=complete&amp;sort=labels"' in html
    assert "\u2193" in html
    plain = client.get(url, {"sort": "nonsense"})
    assert plain.status_code == 200
    assert "aria-sort=" not in plain.content.decode()
    html = client.get(url, {"sort": "agreement"}).content.decode()
    assert 'aria-sort="ascending"><a class="sort-link" href="?sort=-agreement"' in html


def test_page_next_link_follows_the_sorted_cursor(project, lead):
    for n in range(55):
        ItemFactory(project=project, annotation_count=n % 3)
    client = Client()
    client.force_login(lead)
    url = reverse("lead-data", kwargs={"project_id": project.pk})
    html = client.get(url, {"sort": "-labels"}).content.decode()
    after = re.search(r'href="\?sort=-labels&amp;after=([^"]+)">Next', html).group(1)
    second = client.get(url, {"sort": "-labels", "after": unquote(after)}).content.decode()
    expected = _expected(project, "-labels")[50:]
    shown = [int(pk) for pk in re.findall(r'data-item="(\d+)"', second)]
    assert shown == expected
    back = re.search(r'href="\?sort=-labels&amp;before=([^"]+)">', second).group(1)
    first = client.get(url, {"sort": "-labels", "before": unquote(back)}).content.decode()
    assert [int(pk) for pk in re.findall(r'data-item="(\d+)"', first)] == _expected(
        project, "-labels"
    )[:50]


def test_a_sort_alone_on_an_empty_project_is_not_a_filter(project, lead):
    client = Client()
    client.force_login(lead)
    url = reverse("lead-data", kwargs={"project_id": project.pk})
    html = client.get(url, {"sort": "labels"}).content.decode()
    assert "This project has no items yet" in html
    assert "No items match these filters" in client.get(url, {"status": "complete"}).content.decode()
