"""Pages read well: the dashboard refreshes itself while work goes on, empty projects say
what to do next, and charts use legible text with labelled axes."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from frontend import charts, charts_lead
from labeling.choices import JobStatus
from labeling.models import PrelabelJob
from tests.factories import AnnotationFactory, ItemFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def dashboard(project, user, **headers):
    return client_for(user).get(f"/projects/{project.pk}/dashboard/", **headers).content.decode()


def test_the_dashboard_polls_while_items_are_in_progress_and_stops_when_idle(project, lead):
    body = dashboard(project, lead)
    assert 'hx-trigger="every 5s"' not in body
    item = ItemFactory(project=project)
    AnnotationFactory(item=item)
    item.annotation_count = 1
    item.save(update_fields=["annotation_count"])
    body = dashboard(project, lead)
    assert re.search(r'id="dashboard-live"[^>]*hx-trigger="every 5s"', body)


def test_the_dashboard_polls_while_a_prelabel_job_runs(project, lead):
    ItemFactory(project=project)
    PrelabelJob.objects.create(project=project, status=JobStatus.RUNNING)
    assert 'hx-trigger="every 5s"' in dashboard(project, lead)


def test_a_poll_gets_the_fragment_without_the_page_around_it(project, lead):
    body = dashboard(project, lead, HTTP_HX_REQUEST="true")
    assert body.startswith('<div id="dashboard-live"')
    assert "<html" not in body


def test_an_empty_project_dashboard_says_to_upload_items_and_add_annotators(project, lead):
    body = dashboard(project, lead)
    assert "This project has no items yet" in body
    assert f'href="/projects/{project.pk}/data/">Upload items</a>' in body
    assert f'href="/projects/{project.pk}/members/">add annotators</a>' in body


def test_chart_text_is_at_least_12_px_everywhere():
    svgs = [
        charts_lead.columns([(f"12-{d:02d}", d) for d in range(1, 15)], title="t"),
        charts_lead.count_bars([("a", 1)], title="t"),
        charts.histogram([0, 0.5, 1], [2, 3], title="t"),
        charts.line_chart([charts.Point(f"2026-12-0{d}", 0.5) for d in range(1, 6)], title="t"),
    ]
    for svg in svgs:
        sizes = [int(size) for size in re.findall(r'font-size="(\d+)"', svg)]
        assert sizes
        assert min(sizes) >= 12


def test_the_trend_chart_names_its_first_and_last_dates():
    points = [charts.Point(f"2026-12-0{d}", 0.5) for d in range(1, 6)]
    svg = charts.line_chart(points, title="t")
    assert ">2026-12-01</text>" in svg
    assert ">2026-12-05</text>" in svg


def test_a_long_flag_reason_fits_left_of_its_bar():
    reason = "Likely wrong (within review budget)"
    svg = charts_lead.count_bars([(reason, 4), ("Low agreement", 2)], title="Open flags")
    anchor = int(re.search(r'<text x="(\d+)"[^>]*text-anchor="end">Likely', svg).group(1))
    # 12 px system-ui averages under 7 px a glyph: the label needs about this much room.
    assert anchor >= len(reason) * 6.5


def test_an_unlabeled_project_says_what_its_empty_charts_wait_for(project, lead):
    ItemFactory(project=project)
    body = dashboard(project, lead)
    assert "No labels yet: they show here as annotators submit." in body
    assert "No open flags: nothing waits for review." in body
    assert "ETA at 0.0" not in body
    assert "no finish date until labels come in" in body
