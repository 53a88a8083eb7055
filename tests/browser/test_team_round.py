"""Issue 16's "Done when", through pages only: a lead invites two annotators and a reviewer from
the browser, the annotators label (and disagree), the reviewer settles the disagreement from the
queue, the lead publishes a guideline version and both annotators acknowledge it."""

from __future__ import annotations

import time

import pytest

import review.tasks  # noqa: F401  (registers the review tasks the events name, as a worker would)
from guidelines.models import Acknowledgement
from labeling.models import Annotation, Item, Membership, Role
from tests.browser.conftest import wait_until
from tests.browser.test_review_loop import settle_by_keyboard
from tests.factories import (
    SINGLE_SCHEMA,
    ItemFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUIDELINE = "## positive\nHappy words.\n\n## negative\nSad words. **Irony** is negative.\n"


def invite(page, role: str, note: str) -> str:
    """Create an invite on the members page; returns its link."""
    page.select_option("#id_invite_role", role)
    page.fill("#id_invite_note", note)
    before = page.locator(".invite-row").count()
    page.click("#create-invite button[type=submit]")
    page.locator(".invite-row").nth(before).wait_for()
    return page.locator(".invite-row .invite-url").nth(before).input_value()


def join(browser, live_server, link: str, username: str):
    """Accept `link` in a fresh browser as `username`; returns the logged-in page."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.base = live_server.url
    tab.goto(link)
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-secret-pw")
    tab.fill("#id_password2", f"{username}-secret-pw")
    tab.click("#signup-form button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")
    return tab


def label(tab, key: str, count: int) -> None:
    """Label `count` items with the label on `key` from the home page's Label action."""
    tab.click(".project-row a:text-is('Label')")
    for done in range(1, count + 1):
        tab.wait_for_selector("#item-card:not([hidden])")
        tab.keyboard.press(key)
        tab.keyboard.press("Enter")
        wait_until(tab, f"() => document.getElementById('progress-done').textContent === '{done}'")


def settle(reviewer, project, item, screenshot) -> None:
    """From home: the project's review queue, its low-agreement items, J and Enter, then settle
    by keyboard (reject ann1's label, pick negative, set it final)."""
    reviewer.reload()
    reviewer.locator(f'.project-row[data-project="{project.pk}"] [data-action="review-queue"]').click()
    reviewer.click('.count[data-reason="low_agreement"]')
    reviewer.locator(f'.queue-row[data-item="{item.pk}"]').first.wait_for()
    reviewer.keyboard.press("j")
    reviewer.keyboard.press("Enter")
    reviewer.wait_for_selector("#final-form")
    screenshot(reviewer, "round-reviewer-item")
    settle_by_keyboard(reviewer, item.annotations.get(annotator__username="ann1"), screenshot)


def acknowledge(tab, project, screenshot, name: str) -> None:
    """The labeling screen sends the annotator to the new version's rendered diff first."""
    tab.goto(f"{tab.base}/projects/{project.pk}/annotate/")
    tab.wait_for_url(f"**/projects/{project.pk}/guideline/ack/")
    assert "Irony" in tab.inner_text("[data-testid=diff]")
    assert "**Irony**" not in tab.inner_text("[data-testid=diff]")  # rendered, not Markdown
    screenshot(tab, name)
    tab.click("[data-testid=acknowledge]")
    tab.wait_for_url(f"**/projects/{project.pk}/annotate/")


def test_a_team_runs_a_labeling_review_and_guideline_round_from_the_browser(
    browser, live_server, page, login, screenshot
):
    project = ProjectFactory(name="Team round", schema=SINGLE_SCHEMA, overlap=2)
    contested = ItemFactory(project=project, external_id="irony-1", data={"text": "Great, rain again."})
    MembershipFactory(project=project, user=UserFactory(username="lead"), role=Role.LEAD)

    login(page, "lead")
    page.goto(f"{page.base}/projects/{project.pk}/members/")
    links = {name: invite(page, role, name) for name, role in
             (("ann1", "annotator"), ("ann2", "annotator"), ("rev", "reviewer"))}  # fmt: skip
    screenshot(page, "round-lead-members-three-invites")
    tabs = {name: join(browser, live_server, link, name) for name, link in links.items()}
    roles = dict(Membership.objects.filter(project=project).values_list("user__username", "role"))
    assert roles == {"lead": Role.LEAD, "ann1": Role.ANNOTATOR, "ann2": Role.ANNOTATOR, "rev": Role.REVIEWER}

    label(tabs["ann1"], "1", 1)  # positive
    time.sleep(1.1)  # a worker drains submits at most once a second per process
    label(tabs["ann2"], "2", 1)  # negative: a disagreement at overlap 2
    assert Annotation.objects.filter(item=contested).count() == 2

    settle(tabs["rev"], project, contested, screenshot)
    contested.refresh_from_db()
    assert contested.final_value == {"label": "negative"}
    assert contested.final_reviewer.username == "rev"

    page.goto(f"{page.base}/projects/{project.pk}/guideline/edit/")
    page.fill("[data-testid=markdown]", GUIDELINE)
    page.fill("[data-testid=changelog]", "Irony is negative")
    page.click("[data-testid=publish]")
    page.wait_for_url(f"**/projects/{project.pk}/guideline/**")
    for name in ("ann1", "ann2"):
        acknowledge(tabs[name], project, screenshot, f"round-{name}-acknowledge")
    acknowledged = Acknowledgement.objects.filter(version__project=project, version__number=1)
    # The lead's publishing counts as reading it; both annotators acknowledged on the page.
    assert sorted(acknowledged.values_list("user__username", flat=True)) == ["ann1", "ann2", "lead"]
    assert Item.objects.get(pk=contested.pk).final_value == {"label": "negative"}
    for tab in tabs.values():
        tab.context.close()
