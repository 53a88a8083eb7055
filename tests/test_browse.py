"""The lead's items browser: filters and keyset paging in both directions."""

from __future__ import annotations

import pytest
from django.utils import timezone

from labeling.browse import BrowseFilters, item_browse, item_status
from labeling.exceptions import NotFound, PermissionDenied
from labeling.models import Item
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The persona fixtures hash passwords; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

NO_FILTER = BrowseFilters()


def _walk_forward(user, project_id, filters, limit):
    pages, after = [], None
    while True:
        page = item_browse(user, project_id, filters, after_id=after, limit=limit)
        pages.append(page)
        if page.next_after is None:
            return pages
        after = page.next_after


def test_forward_paging_visits_every_item_once_in_id_order(project, lead):
    items = ItemFactory.create_batch(23, project=project)
    pages = _walk_forward(lead, project.pk, NO_FILTER, limit=5)
    seen = [item.pk for page in pages for item in page.items]
    assert seen == sorted(item.pk for item in items)
    assert [len(page.items) for page in pages] == [5, 5, 5, 5, 3]
    assert pages[0].prev_before is None
    assert all(page.prev_before == page.items[0].pk for page in pages[1:])


def test_backward_paging_returns_the_same_pages_as_forward(project, lead):
    ItemFactory.create_batch(17, project=project)
    forward = _walk_forward(lead, project.pk, NO_FILTER, limit=4)
    page = forward[-1]
    backward = [page]
    while page.prev_before is not None:
        page = item_browse(lead, project.pk, NO_FILTER, before_id=page.prev_before, limit=4)
        backward.append(page)
    ids_forward = [[item.pk for item in p.items] for p in forward]
    ids_backward = [[item.pk for item in p.items] for p in reversed(backward)]
    assert ids_backward == ids_forward
    assert backward[-1].prev_before is None
    assert all(p.next_after is not None for p in backward[1:])


def test_exact_multiple_of_the_page_size_has_no_empty_last_page(project, lead):
    ItemFactory.create_batch(10, project=project)
    pages = _walk_forward(lead, project.pk, NO_FILTER, limit=5)
    assert [len(page.items) for page in pages] == [5, 5]


def test_items_of_other_projects_never_appear(project, lead):
    mine = ItemFactory(project=project)
    ItemFactory()  # another project
    page = item_browse(lead, project.pk, NO_FILTER)
    assert [item.pk for item in page.items] == [mine.pk]


def test_status_filter_separates_unlabeled_in_progress_complete_and_settled(project, lead):
    unlabeled = ItemFactory(project=project)
    started = ItemFactory(project=project, annotation_count=1)
    full = ItemFactory(project=project, annotation_count=3)
    escalated = ItemFactory(project=project, annotation_count=3, target_overlap=5)
    settled = ItemFactory(
        project=project, annotation_count=3, final_value={"label": "negative"},
        final_decided_at=timezone.now(),
    )
    expected = {
        "unlabeled": [unlabeled.pk],
        "in_progress": [started.pk, escalated.pk],
        "complete": [full.pk],
        "settled": [settled.pk],
    }
    for status, ids in expected.items():
        page = item_browse(lead, project.pk, BrowseFilters(status=status))
        assert [item.pk for item in page.items] == ids, status
        assert all(item_status(item, project) == status for item in page.items)


def test_label_filter_matches_aggregate_or_final_label(project, lead):
    by_aggregate = ItemFactory(project=project, aggregate_value={"label": "positive"})
    by_final = ItemFactory(
        project=project, aggregate_value={"label": "negative"}, final_value={"label": "positive"}
    )
    ItemFactory(project=project, aggregate_value={"label": "negative"})
    page = item_browse(lead, project.pk, BrowseFilters(label="positive"))
    assert [item.pk for item in page.items] == [by_aggregate.pk, by_final.pk]


def test_agreement_range_and_text_search_combine(project, lead):
    low = ItemFactory(project=project, agreement=0.2, data={"text": "Great movie"})
    ItemFactory(project=project, agreement=0.9, data={"text": "great acting"})
    ItemFactory(project=project, agreement=0.3, data={"text": "boring"})
    ItemFactory(project=project, agreement=None, data={"text": "great but unrated"})
    filters = BrowseFilters(agreement_min=0.0, agreement_max=0.5, search="GREAT")
    page = item_browse(lead, project.pk, filters)
    assert [item.pk for item in page.items] == [low.pk]


def test_search_finds_an_item_by_its_external_id(project, lead):
    wanted = ItemFactory(project=project, external_id="tweet-42", data={"text": "x"})
    ItemFactory(project=project, external_id="tweet-43", data={"text": "y"})
    page = item_browse(lead, project.pk, BrowseFilters(search="tweet-42"))
    assert [item.pk for item in page.items] == [wanted.pk]


def test_item_id_subquery_filter_keeps_only_those_items(project, lead):
    items = ItemFactory.create_batch(6, project=project)
    keep = Item.objects.filter(pk__in=[items[1].pk, items[4].pk]).values("id")
    pages = _walk_forward(lead, project.pk, BrowseFilters(item_ids=keep), limit=1)
    assert [page.items[0].pk for page in pages] == [items[1].pk, items[4].pk]
    assert pages[1].prev_before == items[4].pk


def test_filtered_paging_backwards_skips_non_matching_items(project, lead):
    items = [ItemFactory(project=project, agreement=0.1 * (i % 2)) for i in range(12)]
    matching = [item.pk for item in items if item.agreement == 0.0]
    filters = BrowseFilters(agreement_max=0.05)
    last = _walk_forward(lead, project.pk, filters, limit=2)[-1]
    previous = item_browse(lead, project.pk, filters, before_id=last.prev_before, limit=2)
    assert [item.pk for item in previous.items] == matching[-4:-2]


def test_annotators_and_reviewers_cannot_browse_and_outsiders_see_nothing(
    project, annotator, reviewer, outsider
):
    with pytest.raises(PermissionDenied):
        item_browse(annotator, project.pk, NO_FILTER)
    with pytest.raises(PermissionDenied):
        item_browse(reviewer, project.pk, NO_FILTER)
    with pytest.raises(NotFound):
        item_browse(outsider, project.pk, NO_FILTER)


def test_label_filter_on_multi_label_and_rating_projects(lead, project):
    project.schema = {"kind": "multi", "data": "text", "labels": [{"value": "a"}, {"value": "ab"}]}
    project.save()
    both = ItemFactory(project=project, aggregate_value={"labels": ["a", "ab"]})
    ItemFactory(project=project, aggregate_value={"labels": ["ab"]})
    page = item_browse(lead, project.pk, BrowseFilters(label="a"))
    assert [item.pk for item in page.items] == [both.pk]
    project.schema = {"kind": "rating", "data": "text", "scale": {"min": 1, "max": 5}}
    project.save()
    four = ItemFactory(project=project, final_value={"rating": 4})
    assert [i.pk for i in item_browse(lead, project.pk, BrowseFilters(label="4")).items] == [four.pk]
    assert item_browse(lead, project.pk, BrowseFilters(label="four")).items == []


def test_text_search_looks_through_bounded_stretches_and_finds_every_match(
    project, lead, monkeypatch
):
    monkeypatch.setattr("labeling.browse.SEARCH_WINDOW", 5)
    items = [
        ItemFactory(project=project, data={"text": "match" if i in (1, 2, 3, 12, 19) else "other"})
        for i in range(23)
    ]
    wanted = [items[i].pk for i in (1, 2, 3, 12, 19)]
    filters = BrowseFilters(search="MATCH")
    pages = _walk_forward(lead, project.pk, filters, limit=2)
    assert [item.pk for page in pages for item in page.items] == wanted
    assert any(not page.items for page in pages)  # a stretch without matches says so
    assert all(page.searched[1] - page.searched[0] <= 5 for page in pages)
    found, page = [], pages[-1]
    while page.prev_before is not None:
        page = item_browse(lead, project.pk, filters, before_id=page.prev_before, limit=2)
        found = [item.pk for item in page.items] + found
    assert found + [item.pk for item in pages[-1].items] == wanted
