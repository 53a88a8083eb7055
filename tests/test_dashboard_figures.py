"""The lead dashboard never scans a large project on a page view (issue 20).

Small projects get exact figures computed on the view; above LIVE_LIMIT items the page reads
the project counters every write keeps (progress, open flags, throughput) and the agreement
sums (labels given); where no sums are kept, labels given are what a worker counted last.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontend.tasks import refresh_dashboard_figures_task
from frontend.views.lead import figures_cache
from labeling.services.counts import project_counts_rebuild
from review.services.agreement_counts import project_counts_rebuild as agreement_sums_build
from review.services.flag_counts import flag_counts_rebuild
from review.services.flags import item_flags_refresh
from tests.factories import AnnotationFactory, ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache(project):
    keys = [key.format(project_id=project.pk) for key in (figures_cache.FIGURES_KEY, figures_cache.REFRESH_KEY)]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


@pytest.fixture
def large(project, annotators, monkeypatch):
    """A project above the live limit (the limit made tiny): six items, two with one label,
    one contested and flagged; counters built as the migration builds them."""
    monkeypatch.setattr(figures_cache, "LIVE_LIMIT", 3)
    items = ItemFactory.create_batch(6, project=project)
    for item in items[:2]:
        AnnotationFactory(item=item, annotator=annotators[0], value={"label": "positive"})
        item.annotation_count = 1
        item.save(update_fields=["annotation_count"])
    contested = items[5]
    for user, label in zip(annotators, ("positive", "negative", "neutral"), strict=True):
        AnnotationFactory(item=contested, annotator=user, value={"label": label})
    contested.annotation_count = 3
    contested.save(update_fields=["annotation_count"])
    item_flags_refresh(item_id=contested.pk)
    project_counts_rebuild(project_id=project.pk)
    flag_counts_rebuild(project_id=project.pk)
    return project


@pytest.fixture
def sent(monkeypatch):
    """Tasks the dashboard sends, recorded and not run."""
    names: list[tuple[str, list]] = []
    monkeypatch.setattr("labeling.events.enqueue", lambda name, args: names.append((name, args)))
    return names


def _dashboard(user, project):
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("lead-dashboard", args=[project.pk]))
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries]


def _unbounded_reads(queries: list[str], table: str) -> list[str]:
    return [sql for sql in queries if f'"{table}"' in sql and "LIMIT" not in sql.upper() and "SELECT" in sql.upper()]


def _unbounded_item_reads(queries: list[str]) -> list[str]:
    return _unbounded_reads(queries, "labeling_item")


def test_a_small_project_shows_exact_figures_computed_on_the_view(project, lead, sent):
    ItemFactory.create_batch(2, project=project)

    body, _ = _dashboard(lead, project)

    assert 'id="stat-remaining"><strong>2</strong>' in body
    assert "figures-age" not in body
    assert sent == []


def test_a_large_project_reads_its_counters_and_never_its_rows(large, lead, sent):
    agreement_sums_build(project_id=large.pk)

    body, queries = _dashboard(lead, large)

    assert 'id="stat-done"><strong>1</strong>' in body
    assert 'id="stat-in-progress"><strong>2</strong>' in body
    assert 'id="stat-remaining"><strong>3</strong>' in body
    assert "Low agreement" in body
    assert "figures-counting" not in body
    assert "figures-age" not in body
    assert sent == []
    for table in ("labeling_item", "labeling_annotation", "review_flag"):
        assert _unbounded_reads(queries, table) == [], table


def test_without_agreement_sums_labels_are_counted_in_the_background(large, lead, sent):
    body, queries = _dashboard(lead, large)

    assert "figures-counting" in body
    assert 'id="stat-remaining"><strong>3</strong>' in body  # the counters do not wait
    assert sent == [(figures_cache.REFRESH_TASK, [large.pk])]
    assert json.loads(json.dumps(sent[0][1])) == [large.pk]
    assert _unbounded_item_reads(queries) == []


def test_after_the_refresh_the_page_shows_the_counted_labels_with_their_age(large, lead, sent):
    refresh_dashboard_figures_task(large.pk)

    body, queries = _dashboard(lead, large)

    assert "figures-age" in body
    assert "figures-counting" not in body
    assert sent == []
    assert _unbounded_item_reads(queries) == []


def test_old_label_counts_are_shown_and_one_refresh_is_sent_for_many_views(large, lead, sent):
    refresh_dashboard_figures_task(large.pk)
    key = figures_cache.FIGURES_KEY.format(project_id=large.pk)
    stale = cache.get(key)
    stale["at"] -= timedelta(seconds=figures_cache.MAX_AGE_S + 1)
    cache.set(key, stale)

    first, _ = _dashboard(lead, large)
    _dashboard(lead, large)

    assert "figures-age" in first
    assert sent == [(figures_cache.REFRESH_TASK, [large.pk])]


def test_the_refresh_task_is_registered_under_its_name_and_frees_its_project(project):
    refresh_dashboard_figures_task(project.pk)

    assert refresh_dashboard_figures_task.name == figures_cache.REFRESH_TASK
    assert cache.get(figures_cache.REFRESH_KEY.format(project_id=project.pk)) is None
    assert cache.get(figures_cache.FIGURES_KEY.format(project_id=project.pk))["labels"] == []


def test_the_refresh_of_a_deleted_project_stores_nothing(db):
    assert figures_cache.figures_refresh(987654) is None


def test_the_items_browser_says_more_than_n_instead_of_counting_everything(project, lead, monkeypatch):
    from frontend.views.lead import data

    monkeypatch.setattr(data, "COUNT_CAP", 3)
    ItemFactory.create_batch(5, project=project)
    client = Client()
    client.force_login(lead)

    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("lead-data", args=[project.pk])).content.decode()

    assert '<span class="muted" id="item-total">(more than 3 items)</span>' in body
    assert _unbounded_item_reads([q["sql"] for q in queries]) == []


def test_the_items_browser_counts_a_small_project_exactly(project, lead):
    ItemFactory.create_batch(2, project=project)
    client = Client()
    client.force_login(lead)

    body = client.get(reverse("lead-data", args=[project.pk])).content.decode()

    assert '<span class="muted" id="item-total">(2 items)</span>' in body
