"""Lead edits and publishes a guideline; the annotator sees what changed, acknowledges it
before the next item, and labels under the new version."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from guidelines.models import Acknowledgement, GuidelineVersion
from labeling.models import Annotation, Membership, Role
from tests.factories import ItemFactory, MembershipFactory, ProjectFactory, UserFactory
from tests.factories_guidelines import publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

V1 = "## positive\nHappy words.\n\n## negative\nSad words.\n"
V2 = "## positive\nHappy words.\n\n## negative\nSad or **angry** words. Sarcasm is negative.\n"


@pytest.fixture
def team():
    project = ProjectFactory(name="Tone")
    lead = MembershipFactory(project=project, user=UserFactory(username="lea"), role=Role.LEAD).user
    ann = MembershipFactory(project=project, user=UserFactory(username="ann"), role=Role.ANNOTATOR)
    ItemFactory(project=project, data={"text": "Oh great, another Monday."})
    publish(project, lead, V1, "first")
    Membership.objects.filter(pk=ann.pk).update(acknowledged_version=1)
    return project, ann.user


def _label_next_item_through_the_api(project, user) -> Annotation | None:
    """Label one item as `user` the way the annotate page does; None without the engine."""
    try:
        next_url = reverse("api-next", kwargs={"project_id": project.pk})
    except NoReverseMatch:
        return None
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    served = client.post(next_url).json()
    submit = reverse("api-assignment-submit", kwargs={"assignment_id": served["assignment"]["id"]})
    client.post(submit, {"value": {"label": "negative"}}, format="json")
    return Annotation.objects.get(annotator=user)


def test_lead_publishes_and_annotator_acknowledges_before_labeling(
    team, page, browser, live_server, login, screenshot
):
    project, annotator = team
    login(page, "lea")
    page.goto(f"{page.base}/projects/{project.pk}/guideline/edit/")
    page.fill("[data-testid=markdown]", V2)
    page.locator("[data-testid=preview] strong").filter(has_text="angry").wait_for()
    page.fill("[data-testid=changelog]", "Anger and sarcasm are negative")
    screenshot(page, "guideline-editor")
    page.click("[data-testid=publish]")
    page.wait_for_url(f"**/projects/{project.pk}/guideline/stale/")
    assert GuidelineVersion.objects.get(project=project, number=2).changelog.startswith("Anger")

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.base = live_server.url
    login(tab, "ann")
    tab.goto(f"{tab.base}/projects/{project.pk}/guideline/ack/")
    assert "Anger and sarcasm are negative" in tab.inner_text("[data-testid=ack-summary]")
    assert "or **angry**" in tab.inner_text("[data-testid=diff] ins")
    screenshot(tab, "guideline-ack")
    tab.click("[data-testid=acknowledge]")
    tab.wait_for_load_state()
    assert Acknowledgement.objects.filter(user=annotator, version__number=2).exists()
    assert Membership.objects.get(project=project, user=annotator).acknowledged_version == 2

    annotation = _label_next_item_through_the_api(project, annotator)
    if annotation is not None:
        assert annotation.guideline_version == 2
    context.close()


def test_side_panel_collapse_is_remembered(team, page, login):
    project, _ = team
    login(page, "ann")
    page.goto(f"{page.base}/projects/{project.pk}/guideline/panel/")
    assert page.is_visible("#guideline-panel-body")
    page.click("[data-testid=guideline-toggle]")
    assert not page.is_visible("#guideline-panel-body")
    page.reload()
    assert not page.is_visible("#guideline-panel-body")
    assert page.get_attribute("[data-testid=guideline-toggle]", "aria-expanded") == "false"
