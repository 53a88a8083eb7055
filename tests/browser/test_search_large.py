"""Searching a 100,000-item project by external id in Chromium: the item is the first row of
the first page (exact match first), on whichever database the suite runs (SQLite locally,
PostgreSQL in CI). The items are bulk-inserted so the project builds in seconds."""

from __future__ import annotations

import pytest

from labeling.models import Item, Role
from tests.factories import SINGLE_SCHEMA, MembershipFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

N_ITEMS = 100_000


def _big_project():
    project = ProjectFactory(name="Big project", schema=SINGLE_SCHEMA)
    other = ProjectFactory(name="Other project", schema=SINGLE_SCHEMA)
    MembershipFactory(project=project, user=UserFactory(username="lead"), role=Role.LEAD)
    Item.objects.bulk_create(  # the same ids in another project must never show up
        Item(project=other, external_id=f"doc-{i:06d}", data={"text": "other"}) for i in range(50)
    )
    Item.objects.bulk_create(
        (
            Item(project=project, external_id=f"doc-{i:06d}", data={"text": f"Text number {i}."})
            for i in range(N_ITEMS)
        ),
        batch_size=5000,
    )
    return project


def test_an_external_id_deep_in_a_100000_item_project_is_the_first_row(page, login, screenshot):
    project = _big_project()
    assert Item.objects.filter(project=project).count() == N_ITEMS
    login(page, "lead")
    page.goto(f"{page.base}/projects/{project.pk}/data/")
    page.fill("#items input[name=q]", "doc-000042")
    page.click("#items button[type=submit]")
    page.wait_for_url("**q=doc-000042**")
    links = page.locator(".item-row .item-link")
    assert links.first.inner_text() == "doc-000042"
    ids = links.all_inner_texts()
    assert all(text.startswith("doc-000042") for text in ids)
    expected = Item.objects.get(project=project, external_id="doc-000042")
    assert page.locator(".item-row").first.get_attribute("data-item") == str(expected.pk)
    screenshot(page, "lead-data-search-100k")

    page.fill("#items input[name=q]", "doc-09999")  # a prefix: the last ten items, in order
    page.click("#items button[type=submit]")
    page.wait_for_url("**q=doc-09999**")
    assert links.all_inner_texts()[:3] == ["doc-099990", "doc-099991", "doc-099992"]
