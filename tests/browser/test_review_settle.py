"""A reviewer settles spans and boxes items visually in Chromium (issue 15, Review): versions
drawn one at a time or overlaid, a version taken as it is, a box edited with the labeling
component (mouse, and keyboard only) and saved; the stored final values checked exactly.
axe (the accessibility test's pattern) runs on each new state of the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from labeling.models import Role
from tests.browser.conftest import wait_until
from tests.browser.region_helpers import BOXES_SCHEMA, SPANS_SCHEMA, region_project
from tests.browser.test_accessibility import audit, report  # noqa: F401 - the axe fixture
from tests.factories import AnnotationFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Ada Lovelace met Charles Babbage in London to talk about the Analytical Engine."
ALICE = {
    "spans": [{"start": 0, "end": 12, "label": "PER"}, {"start": 17, "end": 32, "label": "PER"}]
}
BOB = {
    "spans": [
        {"start": 0, "end": 12, "label": "PER"},
        {"start": 36, "end": 42, "label": "LOC"},
        {"start": 61, "end": 78, "label": "ORG"},
    ]
}
CIRCLE = {"x": 100, "y": 100, "width": 120, "height": 120, "label": "circle"}
SQUARE = {"x": 350, "y": 200, "width": 120, "height": 120, "label": "square"}


def settle_item(schema, values, **fields):
    """A project with annotators alice, bob, ... who labeled its one item, and reviewer "rev"."""
    texts = (TEXT,) if schema["kind"] == "spans" else ()
    images = ((640, 480),) if schema["kind"] == "boxes" else ()
    project, _ann, (item,) = region_project(schema, texts=texts, images=images)
    for name, value in zip(("alice", "bob"), values, strict=False):
        user = UserFactory(username=name)
        MembershipFactory(project=project, user=user)
        AnnotationFactory(item=item, annotator=user, project=project, value=value)
    MembershipFactory(project=project, user=UserFactory(username="rev"), role=Role.REVIEWER)
    for key, value in fields.items():
        setattr(item, key, value)
    item.save()
    return project, item


# The editor overlay's mapping (the page also draws the versions, in other overlays).
EDITOR_VIEW = """() => {
  const svg = document.querySelector('#settle-editor .boxes-overlay');
  const r = svg.getBoundingClientRect();
  const [vx, vy, vw, vh] = svg.getAttribute('viewBox').split(' ').map(Number);
  return {left: r.left, top: r.top, width: r.width, height: r.height, vx, vy, vw, vh};
}"""


def editor_point(page, ix, iy):
    """The viewport point (whole CSS pixels) over image pixel (ix, iy) in the editor."""
    v = page.evaluate(EDITOR_VIEW)
    return (
        round(v["left"] + (ix - v["vx"]) * v["width"] / v["vw"]),
        round(v["top"] + (iy - v["vy"]) * v["height"] / v["vh"]),
    )


def open_review(page, login, project, item, *, logged_in=False):
    if not logged_in:
        login(page, "rev")
    url = reverse("review-item", kwargs={"project_id": project.pk, "item_id": item.pk})
    page.goto(f"{page.base}{url}")
    page.wait_for_selector("#settle-editor .region-tools, #settle-editor .boxes-layout")
    return f"{page.base}{url}"


def tab_to(page, selector, limit=80):
    """Press Tab until the focused element matches `selector` (the keyboard-only way there)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_reviewer_compares_span_versions_and_takes_an_annotators(page, login, screenshot):
    aggregate = {"spans": [{"start": 0, "end": 12, "label": "PER", "confidence": 0.95}]}
    project, item = settle_item(SPANS_SCHEMA, [ALICE, BOB], aggregate_value=aggregate)
    open_review(page, login, project, item)
    # One at a time: the aggregate first, then bob's version with its three spans.
    view = "#settle-view .region-host:not([hidden])"
    assert page.text_content("#settle-showing") == "Showing the aggregate (1 of 3)."
    assert page.locator(f"{view} .region-row").count() == 1
    page.click(".settle-source[data-source^='annotation:']:nth-child(3) .settle-show")
    assert page.text_content("#settle-showing") == "Showing bob\u2019s version (3 of 3)."
    rows = page.locator(f"{view} .region-row .region-pick").all_text_contents()
    assert [r.split("\u201c")[0].strip() for r in rows] == ["PER", "LOC", "ORG"]
    screenshot(page, "review_settle_spans_one")
    # All overlaid: every version's spans, labelled with who made them.
    page.click("#settle-overlay")
    assert page.get_attribute("#settle-overlay", "aria-pressed") == "true"
    rows = page.locator(f"{view} .region-row strong").all_text_contents()
    assert sorted(rows) == sorted(
        ["Aggregate · PER", "alice · PER", "alice · PER", "bob · PER", "bob · LOC", "bob · ORG"]
    )
    screenshot(page, "review_settle_spans_overlay")
    page.click("text=Take bob\u2019s version")
    # The decision moves on (the queue is empty now) and offers its undo in a toast.
    page.wait_for_selector("#undo-toast")
    # The toast puts its text back 150 ms after load, so a screen reader announces it.
    wait_until(page, "() => document.querySelector('#undo-toast .toast-text').textContent !== ''")
    assert "Final label set: bob's version." in page.text_content("#undo-toast .toast-text")
    item.refresh_from_db()
    assert item.final_value == BOB


def test_a_reviewer_edits_a_box_by_keyboard_only_and_saves_it(page, login, screenshot):
    project, item = settle_item(BOXES_SCHEMA, [{"boxes": [CIRCLE]}, {"boxes": [SQUARE]}])
    open_review(page, login, project, item)
    wait_until(page, "document.querySelector('#settle-editor .boxes-image').complete")
    page.keyboard.press("o")  # overlay both annotators' boxes
    assert page.get_attribute("#settle-overlay", "aria-pressed") == "true"
    assert page.locator("#settle-view .region-host:not([hidden]) g.box").count() == 2
    page.keyboard.press("v")  # back to one at a time: bob's
    assert page.text_content("#settle-showing") == "Showing bob\u2019s version (2 of 2)."
    tab_to(page, ".settle-copy[data-source^='annotation:']")  # alice's "Edit a copy"
    page.keyboard.press("Enter")  # copies alice's circle into the editor and focuses it
    assert page.text_content("#settle-status").startswith("Editing a copy of alice\u2019s version")
    for key in ["Tab", "ArrowRight", "ArrowRight", "Shift+ArrowDown", "Control+ArrowRight", "2"]:
        page.keyboard.press(key)
    screenshot(page, "review_settle_boxes_keyboard")
    page.keyboard.press("Enter")
    page.wait_for_selector("#undo-toast")
    item.refresh_from_db()
    assert item.final_value == {
        "boxes": [{"x": 102, "y": 110, "width": 121, "height": 120, "label": "square"}]
    }


def test_a_reviewer_drags_a_box_in_the_editor_and_sets_the_final_label(page, login, screenshot):
    project, item = settle_item(BOXES_SCHEMA, [{"boxes": [CIRCLE, SQUARE]}])
    open_review(page, login, project, item)
    wait_until(page, "document.querySelector('#settle-editor .boxes-image').complete")
    page.click(".settle-copy")
    page.locator("#settle-editor").scroll_into_view_if_needed()
    # Drag the square's body 30 image px left.
    start, end = editor_point(page, 410, 260), editor_point(page, 380, 260)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=6)
    page.mouse.up()
    screenshot(page, "review_settle_boxes_drag")
    page.click("#set-final")
    page.wait_for_selector("#undo-toast")
    item.refresh_from_db()
    (circle, square) = item.final_value["boxes"]
    assert circle == CIRCLE
    assert square["label"] == "square"
    assert (square["width"], square["height"]) == (120, 120)
    assert square["y"] == 200
    assert abs(square["x"] - 320) <= 1


def test_the_settle_states_pass_axe(page, login, audit):  # noqa: F811 - the fixture
    project, item = settle_item(
        SPANS_SCHEMA, [ALICE, BOB], aggregate_value={"spans": ALICE["spans"][:1]}
    )
    open_review(page, login, project, item)
    found = audit("settle spans, one at a time")
    page.click("#settle-overlay")
    found += audit("settle spans, overlaid")
    page.click(".settle-copy[data-source^='annotation:']")
    found += audit("settle spans, editing a copy")
    boxes_project, boxes = settle_item(BOXES_SCHEMA, [{"boxes": [CIRCLE]}])
    open_review(page, login, boxes_project, boxes, logged_in=True)
    found += audit("settle boxes, one at a time")
    page.keyboard.press("o")
    found += audit("settle boxes, overlaid")
    assert not found, "WCAG 2.1 A/AA violations:\n" + report(found)


def test_a_refused_edit_comes_back_into_the_editor_with_the_message(page, login):
    # A version made under an older schema: its "car" label is no longer declared.
    car = {**CIRCLE, "label": "car"}
    project, item = settle_item(BOXES_SCHEMA, [{"boxes": [car]}])
    open_review(page, login, project, item)
    page.click(".settle-copy")
    page.keyboard.press("Enter")  # the editor has focus: Enter sets the final value
    page.wait_for_selector(".messages li.error")
    assert "boxes[0].label 'car' is not in the schema" in page.text_content(".messages")
    assert page.text_content("#settle-status").startswith("Your edit was not saved")
    item.refresh_from_db()
    assert item.final_value is None
    page.focus("#settle-editor .boxes-viewport")
    for key in ["Tab", "1", "Enter"]:  # select the box, relabel it a circle, set it
        page.keyboard.press(key)
    page.wait_for_selector("#undo-toast")
    item.refresh_from_db()
    assert item.final_value == {"boxes": [CIRCLE]}
