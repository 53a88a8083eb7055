"""People and access in Chromium: an invite accepted in a fresh browser and the invitee labeling;
a token made on the tokens page and used by a script (urllib) for next and submit."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from labeling.models import Annotation, Membership, Role
from tests.factories import (
    SINGLE_SCHEMA,
    ItemFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _call(url: str, key: str, payload: dict | None = None) -> tuple[int, dict]:
    """POST (or GET without payload) to the live server with `Authorization: Token KEY`."""
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(  # noqa: S310 - the live server on 127.0.0.1
        url, data=data, method="POST" if payload is not None else "GET"
    )
    request.add_header("Authorization", f"Token {key}")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            body = response.read()
            return response.status, json.loads(body) if body else {}
    except urllib.error.HTTPError as error:
        return error.code, {}


def _wait_for(check, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_an_invite_from_the_lead_is_accepted_in_a_fresh_browser_and_the_invitee_labels(
    browser, live_server, page, login, screenshot
):
    project = ProjectFactory(name="Invite demo", schema=SINGLE_SCHEMA, overlap=1)
    ItemFactory.create_batch(3, project=project)
    MembershipFactory(project=project, user=UserFactory(username="boss"), role=Role.LEAD)

    login(page, "boss")
    page.goto(f"{page.base}/projects/{project.pk}/members/")
    page.select_option("#id_invite_role", "annotator")
    page.fill("#id_invite_note", "Dana")
    page.click("#create-invite button[type=submit]")
    page.wait_for_selector(".invite-row")
    link = page.locator(".invite-row .invite-url").first.input_value()
    assert link.startswith(f"{page.base}/invite/")
    screenshot(page, "people-members-invites")

    fresh = browser.new_context(viewport={"width": 1280, "height": 800})
    fresh.set_default_timeout(10_000)
    guest = fresh.new_page()
    guest.goto(link)
    assert "Join Invite demo" in guest.locator("h1").inner_text()
    screenshot(guest, "people-invite-accept")
    guest.fill("#id_username", "dana")
    guest.fill("#id_password", "dana-secret-pw")
    guest.fill("#id_password2", "dana-secret-pw")
    guest.click("#signup-form button[type=submit]")
    guest.wait_for_url(f"{page.base}/")
    assert "Invite demo" in guest.locator(".project-row h2").inner_text()
    assert Membership.objects.get(project=project, user__username="dana").role == Role.ANNOTATOR

    guest.click(".project-row a:text-is('Label')")
    guest.wait_for_selector("#item-card:not([hidden])")
    guest.keyboard.press("1")
    guest.keyboard.press("Enter")
    _wait_for(lambda: Annotation.objects.filter(annotator__username="dana").exists())
    assert Annotation.objects.get(annotator__username="dana").value == {"label": "positive"}
    fresh.close()

    page.reload()
    assert page.locator(".invite-row").count() == 0  # used links leave the list
    assert page.locator('.member-row[data-user="dana"]').count() == 1


def test_a_token_made_on_the_page_drives_next_and_submit_and_stops_when_revoked(
    page, login, screenshot
):
    project = ProjectFactory(name="Token demo", schema=SINGLE_SCHEMA, overlap=1)
    ItemFactory.create_batch(2, project=project)
    MembershipFactory(project=project, user=UserFactory(username="ann"), role=Role.ANNOTATOR)

    login(page, "ann")
    page.click(".user-menu summary")
    screenshot(page, "people-user-menu")
    page.click(".user-menu a:text-is('API tokens')")
    page.fill("#id_name", "my script")
    page.click("#create-token button[type=submit]")
    key = page.locator("#new-token-key").inner_text().strip()
    assert len(key) >= 40
    screenshot(page, "people-tokens")

    status, body = _call(f"{page.base}/api/projects/{project.pk}/next", key, {})
    assert status == 200
    assignment = body["assignment"]["id"]
    payload = {"value": {"label": "negative"}, "lead_time_ms": 1200, "unsure": False}
    status, _ = _call(f"{page.base}/api/assignments/{assignment}/submit", key, payload)
    assert status in (200, 201)
    assert Annotation.objects.get(annotator__username="ann").value == {"label": "negative"}

    page.reload()
    row = page.locator(".token-row").first
    assert "never" not in row.locator(".last-used").inner_text()
    assert key not in page.content()  # shown once only
    row.locator("button:text-is('Revoke')").click()
    page.wait_for_selector(".token-row", state="detached")
    status, _ = _call(f"{page.base}/api/projects/{project.pk}/next", key, {})
    assert status == 401


def test_screenshots_of_the_account_and_site_pages(page, login, screenshot):
    UserFactory(username="root", is_staff=True, email="root@example.org")
    UserFactory(username="ann")
    ProjectFactory(name="Site demo")
    login(page, "root")
    page.goto(f"{page.base}/site/people/")
    page.click('.person-row[data-user="ann"] button:text-is("Allow")')
    page.wait_for_selector('.person-row[data-user="ann"] .creator-yes')
    page.select_option("#id_invite_role", "reviewer")
    page.click("#create-site-invite button[type=submit]")
    assert "/invite/" in page.locator("#site-invite-url").inner_text()
    screenshot(page, "people-site")
    page.goto(f"{page.base}/account/password/")
    screenshot(page, "people-password-change")
    page.click("form.logout button[type=submit]")
    page.goto(f"{page.base}/password-reset/")
    screenshot(page, "people-password-reset")
    page.fill("#id_email", "root@example.org")
    page.click("#password-reset button[type=submit]")
    assert "Check your email" in page.locator("h1").inner_text()
    screenshot(page, "people-password-reset-done")
