"""The labeling screen's issue-16 points in Chromium: the previous-item key, the sent-back
note, the Skipped list, the empty multi-label question, session expiry, image zoom and pan,
and the 900x700 layout; axe on each new state."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from labeling.models import Annotation, Assignment
from review.services import decisions as decide
from tests.browser import test_accessibility
from tests.browser.conftest import wait_until
from tests.browser.test_accessibility import report
from tests.browser.test_annotate import MULTI_SCHEMA, current_id, labeling_project, open_screen
from tests.factories import SINGLE_SCHEMA, AnnotationFactory, MembershipFactory, UserFactory

axe = test_accessibility.audit  # the axe-core fixture, here named "axe"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DONE = "(n) => document.getElementById('progress-done').textContent === String(n)"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def submit_with_key(page, key, done):
    page.keyboard.press(key)
    page.keyboard.press("Enter")
    wait_until(page, DONE, done)


def test_backspace_reopens_the_item_just_submitted_and_the_change_is_stored(page, login, screenshot, axe):
    project, user, _ = labeling_project(SINGLE_SCHEMA, texts=("First.", "Second.", "Third."))
    open_screen(page, login, project)
    first = current_id(page)
    submit_with_key(page, "1", 1)
    page.wait_for_selector("#previous:not([hidden])")
    page.focus("#item-text")
    page.keyboard.press("Backspace")
    page.wait_for_url("**/history/*/?from=annotate")
    assert page.inner_text("h1") == "Change my previous label"
    assert page.evaluate("document.activeElement.value") == "positive"  # the stored label
    screenshot(page, "annotate_previous_edit")
    found = axe("previous edit")
    assert found == [], report(found)
    page.keyboard.press("ArrowDown")  # the next radio: negative
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/projects/{project.pk}/annotate/")
    page.wait_for_selector("#item-card:not([hidden])")
    annotation = Annotation.objects.get(annotator=user, item__external_id=first)
    assert annotation.value == {"label": "negative"}
    assert current_id(page) != first  # labeling goes on where it was
    assert Annotation.objects.filter(annotator=user).count() == 1


def test_backspace_before_any_submit_says_there_is_no_previous_item(page, login):
    project, _user, _ = labeling_project(SINGLE_SCHEMA, texts=("Only.",))
    open_screen(page, login, project)
    page.focus("#item-text")
    page.keyboard.press("Backspace")
    page.wait_for_selector("text=there is no previous item")
    assert page.url.endswith("/annotate/")
    assert "Backspace" in page.inner_text("#keys-list")


def test_a_sent_back_item_shows_the_round_and_the_reviewers_note(page, login, screenshot, axe):
    project, user, items = labeling_project(SINGLE_SCHEMA, texts=("Was it good?",))
    reviewer = UserFactory(username="rev")
    MembershipFactory(project=project, user=reviewer, role="reviewer")
    AnnotationFactory(item=items[0], annotator=user, value={"label": "positive"})
    decide.item_send_back(item=items[0], reviewer=reviewer, note="Sarcasm: <i>read it again</i>")
    open_screen(page, login, project)
    page.wait_for_selector("#sent-back:not([hidden])")
    text = page.inner_text("#sent-back")
    assert "Sent back · round 2" in text
    assert "Reviewer's note: Sarcasm: <i>read it again</i>" in text  # text, never markup
    assert "Your earlier label: positive" in text
    screenshot(page, "annotate_sent_back")
    found = axe("sent back")
    assert found == [], report(found)


def test_a_skipped_item_is_reopened_from_the_skipped_list(page, login, screenshot, axe):
    project, user, _ = labeling_project(SINGLE_SCHEMA, texts=("Hard one.", "Easy one."))
    open_screen(page, login, project)
    skipped = current_id(page)
    page.keyboard.press("s")
    wait_until(page, "(id) => document.getElementById('item-external-id').textContent !== id", skipped)
    submit_with_key(page, "2", 1)
    page.wait_for_selector("#done:not([hidden])")
    page.click("#done >> text=Items I skipped")
    row = page.locator(".skipped-table tbody tr")
    assert row.count() == 1
    screenshot(page, "annotate_skipped")
    found = axe("skipped list")
    assert found == [], report(found)
    row.locator("button").click()
    page.wait_for_url(f"**/projects/{project.pk}/annotate/")
    page.wait_for_selector("#item-card:not([hidden])")
    assert current_id(page) == skipped
    submit_with_key(page, "3", 2)
    assert Annotation.objects.get(annotator=user, item__external_id=skipped).value == {"label": "neutral"}


def test_multi_label_enter_with_nothing_picked_asks_first(page, login, screenshot, axe):
    project, user, _ = labeling_project(MULTI_SCHEMA, texts=("Cold soup.", "Nice."))
    open_screen(page, login, project)
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-empty[open]")
    assert page.evaluate("document.activeElement.id") == "confirm-empty-no"
    screenshot(page, "annotate_multi_confirm")
    found = axe("multi confirm")
    assert found == [], report(found)
    page.keyboard.press("Escape")
    wait_until(page, "() => !document.getElementById('confirm-empty').open")
    page.wait_for_timeout(300)
    assert not Annotation.objects.filter(annotator=user).exists()
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-empty[open]")
    page.keyboard.press("Shift+Tab")  # to "Submit with no labels"
    assert page.evaluate("document.activeElement.id") == "confirm-empty-yes"
    page.keyboard.press("Enter")
    wait_until(page, DONE, 1)
    assert Annotation.objects.get(annotator=user).value == {"labels": []}


def test_an_expired_session_offers_a_login_that_returns_to_the_same_item(page, login, screenshot, axe):
    project, user, _ = labeling_project(SINGLE_SCHEMA, texts=("One.", "Two."))
    open_screen(page, login, project)
    wait_until(page, "() => document.querySelector('#guideline-panel') !== null")
    item = current_id(page)
    page.context.clear_cookies()
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    page.wait_for_selector("#session-expired:not([hidden])")
    assert page.evaluate("document.activeElement.id") == "login-again"
    assert f"next=%2Fprojects%2F{project.pk}%2Fannotate%2F" in page.get_attribute("#login-again", "href")
    # The guideline panel asks again: the login page must not land inside it.
    page.evaluate("document.body.dispatchEvent(new Event('accord:ready'))")
    page.wait_for_timeout(500)
    assert page.locator("#guideline-panel #id_username").count() == 0
    assert page.locator("#guideline-panel form[action*=login]").count() == 0
    screenshot(page, "annotate_session_expired")
    found = axe("session expired")
    assert found == [], report(found)
    assert not Annotation.objects.filter(annotator=user).exists()
    page.click("#login-again")
    page.fill("#id_username", "ann")
    page.fill("#id_password", "pw-secret-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/projects/{project.pk}/annotate/")
    page.wait_for_selector("#item-card:not([hidden])")
    assert current_id(page) == item
    submit_with_key(page, "1", 1)
    assert Assignment.objects.filter(annotator=user, status="submitted").count() == 1


def image_project(width=2400, height=1600):
    schema = {**SINGLE_SCHEMA, "data": "image"}
    project, user, items = labeling_project(schema)
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (60, 120, 200)).save(buffer, format="PNG")
    item = items[0]
    item.data = {"image": "big.png"}
    item.image.save("big.png", ContentFile(buffer.getvalue()), save=False)
    item.width, item.height = width, height
    item.save()
    return project, user


IMAGE_BOX = "() => { const r = document.getElementById('item-image').getBoundingClientRect(); return [r.left, r.top, r.width]; }"


def test_an_image_zooms_with_the_wheel_about_the_pointer_and_pans_by_dragging(page, login, screenshot):
    project, _user = image_project()
    open_screen(page, login, project)
    wait_until(page, "() => document.getElementById('item-image').naturalWidth === 2400")
    viewport = page.locator("#item-zoom").bounding_box()
    cx, cy = viewport["x"] + viewport["width"] / 2, viewport["y"] + viewport["height"] / 2
    _left, _top, fitted = page.evaluate(IMAGE_BOX)
    page.mouse.move(cx, cy)
    for _ in range(3):
        page.mouse.wheel(0, -100)
    wait_until(page, "(w) => document.getElementById('item-image').getBoundingClientRect().width > w * 1.5", fitted)
    left, top, zoomed = page.evaluate(IMAGE_BOX)
    assert zoomed == pytest.approx(fitted * 1.2**3, rel=0.02)
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 60, cy + 40, steps=5)
    page.mouse.up()
    moved_left, moved_top, width = page.evaluate(IMAGE_BOX)
    assert (moved_left - left, moved_top - top) == (pytest.approx(60, abs=1), pytest.approx(40, abs=1))
    assert width == pytest.approx(zoomed)  # a drag pans; it does not toggle the zoom
    screenshot(page, "annotate_image_zoomed")
    page.focus("#item-zoom")
    page.keyboard.press("z")  # zoomed in: Z fits again
    assert page.evaluate(IMAGE_BOX)[2] == pytest.approx(fitted, rel=0.01)


def test_at_900_by_700_the_layout_holds_and_submit_is_reachable(page, login, screenshot, axe):
    project, user = image_project(1600, 2400)  # a tall image
    page.set_viewport_size({"width": 900, "height": 700})
    open_screen(page, login, project)
    wait_until(page, "() => document.getElementById('item-image').naturalWidth === 1600")
    assert page.evaluate("document.documentElement.scrollWidth") <= 900
    overflow = page.evaluate(
        "() => Array.from(document.querySelectorAll('main *')).filter((el) => el.getBoundingClientRect().right > 900).map((el) => el.id || el.className)"
    )
    assert overflow == []
    page.locator("#submit").scroll_into_view_if_needed()
    box = page.locator("#submit").bounding_box()
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= 700
    assert box["x"] + box["width"] <= 900
    screenshot(page, "annotate_image_900x700")
    found = axe("900x700 image")
    assert found == [], report(found)
    page.keyboard.press("2")
    page.click("#submit")
    wait_until(page, DONE, 1)
    assert Annotation.objects.get(annotator=user).value == {"label": "negative"}


def test_on_spans_backspace_stays_with_the_spans_and_shift_backspace_goes_back(page, login):
    from tests.browser.region_helpers import SPANS_SCHEMA, region_project
    from tests.browser.region_helpers import open_screen as open_region_screen

    project, user, _ = region_project(SPANS_SCHEMA, texts=("Ann met Bob.", "Eve met Dan."))
    open_region_screen(page, login, project)
    first = current_id(page)
    for key in ["ArrowRight", "Shift+ArrowLeft", "1", "Enter"]:  # "Ann" as PER, submit
        page.keyboard.press(key)
    wait_until(page, "(id) => document.getElementById('item-external-id').textContent !== id", first)
    page.keyboard.press("Backspace")  # the span component's key: nothing to delete, no navigation
    page.wait_for_timeout(300)
    assert page.url.endswith("/annotate/")
    page.keyboard.press("Shift+Backspace")
    page.wait_for_url("**/history/*/?from=annotate")
    assert Annotation.objects.get(annotator=user, item__external_id=first).value == {
        "spans": [{"start": 0, "end": 3, "label": "PER"}]
    }


def test_the_guideline_panel_never_shows_the_login_page_after_expiry(page, login):
    project, _user, _ = labeling_project(SINGLE_SCHEMA, texts=("One.",))
    open_screen(page, login, project)
    wait_until(page, "() => document.getElementById('guideline-panel').textContent.includes('Guideline')")
    page.context.clear_cookies()
    page.evaluate("document.body.dispatchEvent(new Event('accord:ready'))")  # the panel reloads
    page.wait_for_selector("#session-expired:not([hidden])")
    assert page.locator("#guideline-panel #id_username").count() == 0
    assert "Guideline" in page.inner_text("#guideline-panel")  # the old content stays
