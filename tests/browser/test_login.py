"""Logging in through the browser lands on "my projects" with my progress."""

import pytest

from labeling.models import Role
from tests.factories import ItemFactory, MembershipFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_annotator_logs_in_and_sees_project_progress(page, login, screenshot):
    project = ProjectFactory(name="Sentiment <b>bold</b>")
    ItemFactory.create_batch(4, project=project)
    MembershipFactory(project=project, user=UserFactory(username="ann"), role=Role.ANNOTATOR)
    login(page, "ann")
    card = page.locator(".project-row")
    assert card.locator("h2").inner_text() == "Sentiment <b>bold</b>"
    assert card.locator(".remaining-count").inner_text() == "4"
    assert card.locator(".done-count").inner_text() == "0"
    screenshot(page, "home")


def test_wrong_password_shows_an_error(page):
    UserFactory(username="ann")
    page.goto(f"{page.base}/login/")
    page.fill("#id_username", "ann")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "didn't match" in page.locator("[role=alert]").inner_text()
