"""Every page, as the role that uses it, after seed_demo: saved to var/screenshots/<name>.png
(CI keeps them), named <role>-<page>. Each page must load without error or CSP violation and
mark itself in the project navigation. The account, invite and site pages are shot by
test_people_flow.py (people-*.png)."""

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
    ("lead-dashboard", "dashboard/", "lead-dashboard"),
    ("lead-data", "data/", "lead-data"),
    ("lead-review-queue", "review/", "review-queue"),
    ("lead-agreement", "agreement/", "agreement"),
    ("lead-guideline", "guideline/", "guideline"),
    ("lead-guideline-versions", "guideline/versions/", "guideline"),
    ("lead-guideline-diff", "guideline/diff/", "guideline"),
    ("lead-guideline-edit", "guideline/edit/", "guideline"),
    ("lead-guideline-stale-labels", "guideline/stale/", "guideline"),
    ("lead-guideline-gaps", "guideline/gaps/", "guideline"),
    ("lead-prelabel", "prelabel/", "prelabel"),
    ("lead-members", "members/", "lead-members"),
    ("lead-export", "export/", "lead-export"),
    ("lead-settings", "settings/", "lead-settings"),
    ("lead-settings-webhooks", "settings/webhooks/", "lead-settings"),
]
# The reviewer's project pages (the item page is added with a flagged item's id).
REVIEWER_PAGES = [
    ("reviewer-dashboard", "dashboard/", "lead-dashboard"),
    ("reviewer-review-queue", "review/", "review-queue"),
    ("reviewer-agreement", "agreement/", "agreement"),
    ("reviewer-guideline", "guideline/", "guideline"),
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
    page.goto(f"{page.base}/login/")
    screenshot(page, "anyone-login")
    login(page, "lead", DEMO_PASSWORD)
    visit(page, screenshot, "lead-home", "/")
    for name, path, current in LEAD_PAGES:
        visit(page, screenshot, name, f"/projects/{story.pk}/{path}", current)
    flagged = Flag.objects.filter(project=story, status=FlagStatus.OPEN).first().item
    visit(page, screenshot, "lead-item", f"/projects/{story.pk}/data/items/{flagged.pk}/", "lead-data")
    assert page.locator(".item-annotations tbody tr").count() == 3
    visit(page, screenshot, "lead-review-item", f"/projects/{story.pk}/review/items/{flagged.pk}/")
    visit(page, screenshot, "lead-new-project", "/projects/new/")
    empty = Project.objects.get(name=DEMO_PROJECT)
    visit(page, screenshot, "lead-dashboard-unlabeled-project", f"/projects/{empty.pk}/dashboard/")
    visit(page, screenshot, "lead-data-unlabeled-project", f"/projects/{empty.pk}/data/")
    visit(page, screenshot, "lead-api-docs", "/api/docs/")


def test_the_pages_an_annotator_and_a_reviewer_use(page, login, screenshot, story):
    login(page, "annotator1", DEMO_PASSWORD)
    visit(page, screenshot, "annotator-home", "/")
    assert page.locator('[data-action="annotate"]').count() == 4  # three demo projects and the story
    # The second guideline version waits for the annotator's acknowledgement first.
    page.goto(f"{page.base}/projects/{story.pk}/annotate/")
    page.wait_for_url(f"**/projects/{story.pk}/guideline/ack/")
    assert page.locator("[data-testid=diff] ins strong").count() >= 1
    screenshot(page, "annotator-guideline-acknowledge")
    page.click("[data-testid=acknowledge]")
    page.wait_for_url(f"**/projects/{story.pk}/annotate/")
    page.wait_for_selector("#item-card:not([hidden])")
    screenshot(page, "annotator-label")
    visit(page, screenshot, "annotator-history", f"/projects/{story.pk}/history/", "annotate_history")
    visit(page, screenshot, "annotator-skipped", f"/projects/{story.pk}/skipped/", "annotate_history")
    visit(page, screenshot, "annotator-guideline", f"/projects/{story.pk}/guideline/", "guideline")
    visit(page, screenshot, "annotator-keyboard-settings", "/account/keyboard/")
    visit(page, screenshot, "annotator-api-tokens", "/account/tokens/")
    visit(page, screenshot, "annotator-password-change", "/account/password/")
    empty = Project.objects.get(name=DEMO_PROJECT)
    visit(page, screenshot, "annotator-label-empty-project", f"/projects/{empty.pk}/annotate/", "annotate")

    page.context.clear_cookies()
    login(page, "reviewer", DEMO_PASSWORD)
    visit(page, screenshot, "reviewer-home", "/")
    assert "open)" in page.inner_text('[data-action="review-queue"] >> nth=0')
    for name, path, current in REVIEWER_PAGES:
        visit(page, screenshot, name, f"/projects/{story.pk}/{path}", current)
    flagged = Flag.objects.filter(project=story, status=FlagStatus.OPEN).first().item
    visit(page, screenshot, "reviewer-review-item", f"/projects/{story.pk}/review/items/{flagged.pk}/")
