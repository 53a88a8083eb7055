"""A lead sets up a model server on the pre-label page: errors beside fields, a write-only token."""

from __future__ import annotations

import pytest

from labeling.models import ModelServerSecret, Project, Role
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOKEN = "sk-browser-token-never-shown"


def test_lead_sets_a_model_server_with_a_token_that_is_never_shown_back(page, login, screenshot):
    project = ProjectFactory(name="Reviews")
    MembershipFactory(project=project, user=UserFactory(username="lead"), role=Role.LEAD)
    login(page, "lead")
    page.goto(f"{page.base}/projects/{project.pk}/prelabel/")

    page.fill("#id_url", "http://127.0.0.1:9090")
    page.select_option("#id_auth", "bearer")
    page.fill("#id_timeout", "0")
    page.click("[data-testid=server-form] button[type=submit]")

    timeout_error = page.locator("#field-timeout .field-error")
    assert "from 1 to 3600" in timeout_error.inner_text()
    assert "needs a token" in page.locator("#field-token .field-error").inner_text()
    screenshot(page, "prelabel-model-server-errors")

    page.fill("#id_timeout", "60")
    page.fill("#id_token", TOKEN)
    page.click("[data-testid=server-form] button[type=submit]")
    page.wait_for_selector("[data-testid=train]")

    assert page.input_value("#id_token") == ""
    assert TOKEN not in page.content()
    assert "A token is stored" in page.locator("[data-testid=secret-state]").inner_text()
    assert page.input_value("#id_timeout") == "60"
    assert Project.objects.get().settings["prelabel"]["auth"] == "bearer"
    assert ModelServerSecret.objects.filter(project=project).exists()
    screenshot(page, "prelabel-model-server")
