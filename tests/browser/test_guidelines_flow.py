"""Lead edits and publishes a guideline; the annotator sees what changed, acknowledges it
before the next item, and labels under the new version."""

from __future__ import annotations

import pytest

from guidelines.models import Acknowledgement, GuidelineVersion
from labeling.models import Annotation, Membership, Role
from tests.browser.conftest import wait_until
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
    example = ItemFactory(project=project, data={"text": "Thanks for nothing."}, is_example=True,
                          final_value={"label": "negative"}, example_note="Sarcasm is negative.")  # fmt: skip
    publish(project, lead, V1, "first", example_item_ids=[example.pk])
    Membership.objects.filter(pk=ann.pk).update(acknowledged_version=1)
    return project, ann.user


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
    # The labeling screen sends the annotator to what changed before the next item.
    tab.goto(f"{tab.base}/projects/{project.pk}/annotate/")
    tab.wait_for_url(f"**/projects/{project.pk}/guideline/ack/")
    assert "Anger and sarcasm are negative" in tab.inner_text("[data-testid=ack-summary]")
    assert "or angry" in tab.inner_text("[data-testid=diff] ins")
    assert "or **angry**" not in tab.inner_text("[data-testid=diff]")  # rendered Markdown
    screenshot(tab, "guideline-ack")
    tab.click("[data-testid=acknowledge]")
    tab.wait_for_url(f"**/projects/{project.pk}/annotate/")
    assert Acknowledgement.objects.filter(user=annotator, version__number=2).exists()

    tab.wait_for_selector("#item-card:not([hidden])")
    tab.locator("[data-testid=guideline-panel]").filter(has_text="Guideline v2").wait_for()
    screenshot(tab, "guideline-panel-on-labeling-screen")
    tab.keyboard.press("2")  # the second label: negative
    tab.keyboard.press("Enter")
    wait_until(tab, "() => document.getElementById('progress-done').textContent === '1'")
    assert Annotation.objects.get(annotator=annotator).guideline_version == 2
    context.close()


def test_side_panel_collapse_is_remembered(team, page, login, screenshot):
    project, _ = team
    login(page, "ann")
    page.goto(f"{page.base}/projects/{project.pk}/guideline/")
    assert "Sarcasm is negative." in page.inner_text("[data-testid=example]")
    screenshot(page, "guideline-page")
    page.goto(f"{page.base}/projects/{project.pk}/guideline/panel/")
    assert page.is_visible("#guideline-panel-body")
    page.click("[data-testid=guideline-toggle]")
    assert not page.is_visible("#guideline-panel-body")
    page.reload()
    assert not page.is_visible("#guideline-panel-body")
    assert page.get_attribute("[data-testid=guideline-toggle]", "aria-expanded") == "false"
