"""The members page never reads a large project's annotations on a page view (issue 20).

Up to LIVE_LIMIT items the per-member figures are computed on the view; above it the page
shows what a worker computed last, with its age, and asks for at most one refresh.
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

from frontend.tasks import refresh_member_figures_task
from frontend.views.lead import members_figures
from labeling import task_names
from labeling.models import Role
from review.models import AnnotationReview, Verdict
from tests.factories import AnnotationFactory, ItemFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache(project):
    keys = [key.format(project_id=project.pk) for key in (members_figures.FIGURES_KEY, members_figures.REFRESH_KEY)]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


@pytest.fixture
def team_work(project, reviewer, annotators):
    """Four items (one gold) labelled by two annotators, with lead times and reviews."""
    first, second = annotators[0], annotators[1]
    for index, lead_time in enumerate([1000, 3000, 9000]):
        item = ItemFactory(project=project)
        annotation = AnnotationFactory(item=item, annotator=first, lead_time_ms=lead_time, value={"label": "positive"})
        AnnotationFactory(item=item, annotator=second, lead_time_ms=500, value={"label": "positive"})
        verdict = Verdict.ACCEPTED if index else Verdict.REJECTED
        AnnotationReview.objects.create(annotation=annotation, reviewer=reviewer, verdict=verdict)
    gold = ItemFactory(project=project, is_gold=True, gold_value={"label": "positive"})
    AnnotationFactory(item=gold, annotator=first, value={"label": "positive"})
    AnnotationFactory(item=gold, annotator=second, value={"label": "negative"})
    return project


@pytest.fixture
def large(team_work, monkeypatch):
    """The same project above the live limit (the limit made tiny)."""
    monkeypatch.setattr(members_figures, "LIVE_LIMIT", 2)
    return team_work


@pytest.fixture
def sent(monkeypatch):
    """Tasks the page sends, recorded and not run."""
    names: list[tuple[str, list]] = []
    monkeypatch.setattr("labeling.events.enqueue", lambda name, args: names.append((name, args)))
    return names


def _members(user, project):
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("lead-members", args=[project.pk]))
    assert response.status_code == 200
    return response, [q["sql"] for q in queries]


def _annotation_reads(queries: list[str]) -> list[str]:
    return [sql for sql in queries if '"labeling_annotation"' in sql or '"review_annotationreview"' in sql]


def _figures(response) -> dict[int, tuple]:
    return {
        row["membership"].user_id: (row["figures"], row["gold"] and row["gold"]["correct"])
        for row in response.context["rows"]
    }


def test_a_small_project_computes_member_figures_on_the_view(team_work, lead, annotators, sent):
    response, queries = _members(lead, team_work)

    figures = _figures(response)[annotators[0].pk][0]
    assert (figures["annotations"], figures["median_seconds"]) == (4, 3.0)
    assert figures["acceptance"] == pytest.approx(2 / 3)
    assert _figures(response)[annotators[1].pk][1] == 0
    body = response.content.decode()
    assert "member-figures-age" not in body
    assert "member-figures-counting" not in body
    assert sent == []
    assert _annotation_reads(queries)


def test_a_large_project_sends_one_refresh_and_reads_no_annotation(large, lead, sent):
    response, queries = _members(lead, large)
    _members(lead, large)

    assert "member-figures-counting" in response.content.decode()
    assert sent == [(members_figures.REFRESH_TASK, [large.pk])]
    assert json.loads(json.dumps(sent[0][1])) == [large.pk]
    assert _annotation_reads(queries) == []


def test_a_large_project_shows_the_workers_figures_with_their_age(large, lead, annotators, sent):
    refresh_member_figures_task(large.pk)

    response, queries = _members(lead, large)

    body = response.content.decode()
    assert "member-figures-age" in body
    assert "Figures as of" in body
    assert "refreshing" not in body
    assert sent == []
    assert _figures(response)[annotators[0].pk][0]["annotations"] == 4
    assert _annotation_reads(queries) == []


def test_old_figures_are_shown_and_one_refresh_is_sent_for_many_views(large, lead, sent):
    refresh_member_figures_task(large.pk)
    key = members_figures.FIGURES_KEY.format(project_id=large.pk)
    stale = cache.get(key)
    stale["at"] -= timedelta(seconds=members_figures.MAX_AGE_S + 1)
    cache.set(key, stale)

    first, _ = _members(lead, large)
    _members(lead, large)

    assert "member-figures-age" in first.content.decode()
    assert ", refreshing" in first.content.decode()
    assert sent == [(members_figures.REFRESH_TASK, [large.pk])]


def test_a_large_project_page_view_runs_a_bounded_number_of_queries(large, lead, django_assert_max_num_queries, sent):
    for index in range(10):  # a larger team costs no query per member
        MembershipFactory(project=large, user=UserFactory(username=f"extra{index}"), role=Role.ANNOTATOR)
    refresh_member_figures_task(large.pk)
    client = Client()
    client.force_login(lead)

    with django_assert_max_num_queries(12):
        assert client.get(reverse("lead-members", args=[large.pk])).status_code == 200


def test_the_refresh_computes_what_a_small_project_shows_on_the_view(team_work, lead, sent):
    live, _ = _members(lead, team_work)

    refresh_member_figures_task(team_work.pk)
    stored = cache.get(members_figures.FIGURES_KEY.format(project_id=team_work.pk))

    assert stored["members"] == {user_id: f for user_id, (f, _) in _figures(live).items() if f}
    assert {user_id: row["correct"] for user_id, row in stored["gold"].items()} == {
        user_id: gold for user_id, (_, gold) in _figures(live).items() if gold is not None
    }
    assert cache.get(members_figures.REFRESH_KEY.format(project_id=team_work.pk)) is None


def test_the_refresh_task_is_registered_and_a_deleted_project_stores_nothing(db):
    assert refresh_member_figures_task.name == members_figures.REFRESH_TASK == task_names.REFRESH_MEMBER_FIGURES
    assert members_figures.figures_refresh(987654) is None
