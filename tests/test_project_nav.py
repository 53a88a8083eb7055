"""One project navigation on every project page, by role, with the current page marked;
the home page offers each role its own actions."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from review.models import Flag, FlagReason, FlagStatus
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db

LEAD_ONLY = ("lead-data", "lead-members", "lead-export", "lead-settings", "prelabel")
STAFF_ONLY = ("review-queue", "agreement", "lead-dashboard")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def nav_of(body: str) -> str:
    return re.search(r'<ul class="project-nav">(.*?)</ul>', body, re.S).group(1)


def current_links(body: str) -> list[str]:
    return re.findall(r'id="nav-([\w-]+)" aria-current="page"', nav_of(body))


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("dashboard/", "lead-dashboard"),
        ("data/", "lead-data"),
        ("review/", "review-queue"),
        ("agreement/", "agreement"),
        ("guideline/", "guideline"),
        ("guideline/versions/", "guideline"),
        ("prelabel/", "prelabel"),
        ("members/", "lead-members"),
        ("export/", "lead-export"),
        ("settings/", "lead-settings"),
        ("annotate/", "annotate"),
        ("history/", "annotate_history"),
    ],
)
def test_every_project_page_marks_its_own_link_in_the_one_navigation(project, lead, path, current):
    body = client_for(lead).get(f"/projects/{project.pk}/{path}").content.decode()
    assert current_links(body) == [current]
    assert body.count('class="project-nav"') == 1


def test_annotators_see_only_labeling_history_and_the_guideline(project, annotator):
    body = client_for(annotator).get(f"/projects/{project.pk}/annotate/").content.decode()
    nav = nav_of(body)
    assert re.findall(r'id="nav-([\w-]+)"', nav) == ["annotate", "annotate_history", "guideline"]
    for name in LEAD_ONLY + STAFF_ONLY:
        assert f'id="nav-{name}"' not in nav


def test_reviewers_see_review_pages_but_no_lead_pages(project, reviewer):
    nav = nav_of(client_for(reviewer).get(f"/projects/{project.pk}/review/").content.decode())
    for name in STAFF_ONLY:
        assert f'id="nav-{name}"' in nav
    for name in LEAD_ONLY:
        assert f'id="nav-{name}"' not in nav


def test_the_home_page_gives_each_role_its_own_actions(project, annotator, reviewer, lead):
    item = ItemFactory(project=project)
    Flag.objects.create(
        project=project, item=item, reason=FlagReason.values[0], status=FlagStatus.OPEN
    )
    annotator_card = client_for(annotator).get("/").content.decode()
    assert re.findall(r'data-action="([\w-]+)"', annotator_card) == ["annotate", "guideline"]
    assert "remaining" in annotator_card
    reviewer_card = client_for(reviewer).get("/").content.decode()
    assert "Review (1 open)" in reviewer_card
    assert 'data-action="lead-settings"' not in reviewer_card
    lead_card = client_for(lead).get("/").content.decode()
    for name in ("lead-dashboard", "lead-data", "lead-settings", "review-queue"):
        assert f'data-action="{name}"' in lead_card
    assert lead_card.count("data-action=") < 11


def test_pages_link_the_favicon_and_show_flash_messages_as_status(project, lead):
    item = ItemFactory(project=project, is_gold=True)
    response = client_for(lead).post(
        f"/projects/{project.pk}/data/items/{item.pk}/gold/", {"clear": "1"}, follow=True
    )
    body = response.content.decode()
    assert re.search(
        r'<ul class="messages" role="status"><li class="success">[^<]*no longer gold', body
    )
    assert re.search(r'<link rel="icon" href="[^"]*favicon.svg"', body)
