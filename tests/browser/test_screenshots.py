"""Every page, as the role that uses it, after seed_demo: saved to var/screenshots/<name>.png
(CI keeps them). Each page must load without error or CSP violation and mark itself in the
project navigation."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from frontend.demo_story import STORY_PROJECT
from labeling.demo import DEMO_PASSWORD, DEMO_PROJECT
from labeling.models import Project
from review.models import Flag, FlagStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (screenshot name, path under /projects/<id>/, the nav link marked current)
LEAD_PAGES = [
    ("dashboard", "dashboard/", "lead-dashboard"),
    ("data", "data/", "lead-data"),
    ("review-queue", "review/", "review-queue"),
    ("agreement", "agreement/", "agreement"),
    ("guideline", "guideline/", "guideline"),
    ("guideline-versions", "guideline/versions/", "guideline"),
    ("guideline-edit", "guideline/edit/", "guideline"),
    ("prelabel", "prelabel/", "prelabel"),
    ("members", "members/", "lead-members"),
    ("export", "export/", "lead-export"),
    ("settings", "settings/", "lead-settings"),
]


@pytest.fixture
def story(db):
    call_command("seed_demo", stdout=StringIO())
    return Project.objects.get(name=STORY_PROJECT)


def visit(page, screenshot, name: str, url: str, current: str | None = None) -> None:
    response = page.goto(f"{page.base}{url}")
    assert response is not None
    assert response.ok, f"{name}: HTTP {response.status}"
    if current:
        marked = page.locator('.project-nav a[aria-current="page"]')
        assert marked.get_attribute("id") == f"nav-{current}", name
    screenshot(page, name)


def test_every_page_as_the_lead(page, login, screenshot, story):
    login(page, "lead", DEMO_PASSWORD)
    visit(page, screenshot, "home-lead", "/")
    for name, path, current in LEAD_PAGES:
        visit(page, screenshot, name, f"/projects/{story.pk}/{path}", current)
    flagged = Flag.objects.filter(project=story, status=FlagStatus.OPEN).first().item
    visit(page, screenshot, "item", f"/projects/{story.pk}/data/items/{flagged.pk}/", "lead-data")
    assert page.locator(".item-annotations tbody tr").count() == 3
    visit(page, screenshot, "review-item", f"/projects/{story.pk}/review/items/{flagged.pk}/")
    visit(page, screenshot, "new-project", "/projects/new/")


def test_the_pages_an_annotator_and_a_reviewer_use(page, login, screenshot, story):
    login(page, "annotator1", DEMO_PASSWORD)
    visit(page, screenshot, "home-annotator", "/")
    assert page.locator('[data-action="annotate"]').count() == 4  # three demo projects and the story
    # The second guideline version waits for the annotator's acknowledgement first.
    page.goto(f"{page.base}/projects/{story.pk}/annotate/")
    page.wait_for_url(f"**/projects/{story.pk}/guideline/ack/")
    assert page.locator("[data-testid=diff] ins strong").count() >= 1
    screenshot(page, "guideline-ack")
    page.click("[data-testid=acknowledge]")
    page.wait_for_url(f"**/projects/{story.pk}/annotate/")
    page.wait_for_selector("#item-card:not([hidden])")
    screenshot(page, "label")
    visit(page, screenshot, "history", f"/projects/{story.pk}/history/", "annotate_history")
    empty = Project.objects.get(name=DEMO_PROJECT)
    visit(page, screenshot, "label-empty-project", f"/projects/{empty.pk}/annotate/", "annotate")

    page.context.clear_cookies()
    login(page, "reviewer", DEMO_PASSWORD)
    visit(page, screenshot, "home-reviewer", "/")
    assert "open)" in page.inner_text('[data-action="review-queue"] >> nth=0')
