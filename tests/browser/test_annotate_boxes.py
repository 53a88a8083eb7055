"""The box screen in Chromium: draw, move and resize by mouse; add, nudge, resize, relabel and
delete by keyboard only; zoom and pan keep image pixels; suggestions; the history edit page."""

from __future__ import annotations

import re

import pytest

from labeling.models import Annotation
from tests.browser.conftest import wait_until
from tests.browser.region_helpers import (
    BOXES_SCHEMA,
    image_point,
    open_screen,
    region_project,
    screen_point,
)
from tests.factories import AnnotationFactory, PredictionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZE = (640, 480)


def drag(page, start, end):
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=6)
    page.mouse.up()


def listed(page, n=1):
    """Box n of the list beside the image, as the screen shows it: (label, x, y, w, h)."""
    text = page.text_content(f".region-row.item:nth-child({n}) .region-pick")
    label, x, y, w, h = re.match(r"(\w+) (\d+), (\d+) \S (\d+)\S(\d+)", text).groups()
    return label, int(x), int(y), int(w), int(h)


def test_an_annotator_draws_moves_and_resizes_a_box_with_the_mouse(page, login, screenshot):
    project, user, _ = region_project(BOXES_SCHEMA, images=(SIZE,))
    open_screen(page, login, project)
    wait_until(page, "document.querySelector('.boxes-image').complete")
    page.click(".region-label[data-value=square]")  # draw squares from now on
    page.click(".region-label[data-value=circle]")  # no: circles
    assert page.locator(".boxes-overlay g.box").count() == 0
    start, end = screen_point(page, 100, 100), screen_point(page, 220, 220)
    drag(page, start, end)
    corners = [image_point(page, *start), image_point(page, *end)]
    expected = [round(corners[0][0]), round(corners[0][1])]
    expected += [round(corners[1][0]) - expected[0], round(corners[1][1]) - expected[1]]
    assert listed(page) == ("circle", *expected)
    # Move it by dragging its body 40 screen px right, then widen it by its east handle.
    middle = screen_point(page, 160, 160)
    drag(page, middle, (middle[0] + 40, middle[1]))
    moved = listed(page)
    assert moved[2:] == (expected[1], expected[2], expected[3])
    assert moved[1] > expected[0]
    east = page.locator(".handle-e").bounding_box()
    drag(page, (round(east["x"] + east["width"] / 2), round(east["y"] + east["height"] / 2)),
         (round(east["x"] + east["width"] / 2) + 30, round(east["y"] + east["height"] / 2)))
    resized = listed(page)
    assert (resized[1:3], resized[4]) == (moved[1:3], moved[4])
    assert resized[3] > moved[3]
    page.keyboard.press("2")  # the selected box becomes a square
    screenshot(page, "annotate_boxes_mouse")
    page.keyboard.press("Enter")
    page.wait_for_selector("#done:not([hidden])")
    _label, x, y, w, h = resized
    assert Annotation.objects.get(annotator=user).value == {
        "boxes": [{"x": x, "y": y, "width": w, "height": h, "label": "square"}]
    }


def test_an_annotator_labels_boxes_by_keyboard_only(page, login, screenshot):
    project, user, _ = region_project(BOXES_SCHEMA, images=(SIZE,))
    open_screen(page, login, project)
    page.keyboard.press("1")  # a circle box in the middle of the view, selected
    _label, x, y, w, h = listed(page)
    for key in ["ArrowRight", "ArrowRight", "Shift+ArrowDown", "Control+ArrowRight", "Control+Shift+ArrowDown"]:
        page.keyboard.press(key)
    assert listed(page) == ("circle", x + 2, y + 10, w + 1, h + 10)
    page.keyboard.press("Escape")
    page.keyboard.press("2")  # a second box, a square
    for key in ["Shift+ArrowLeft"] * 5:
        page.keyboard.press(key)
    page.keyboard.press("Shift+Tab")  # back to the first box ...
    page.keyboard.press("Delete")  # ... delete it,
    page.keyboard.press("Control+z")  # and undo that
    page.keyboard.press("+")  # zooming changes the view, never the pixels
    page.keyboard.press("+")
    screenshot(page, "annotate_boxes_keyboard")
    page.keyboard.press("Enter")
    page.wait_for_selector("#done:not([hidden])")
    assert Annotation.objects.get(annotator=user).value == {
        "boxes": [
            {"x": x + 2, "y": y + 10, "width": w + 1, "height": h + 10, "label": "circle"},
            {"x": x - 50, "y": y, "width": w, "height": h, "label": "square"},
        ]
    }


def test_zoom_and_pan_keep_coordinates_in_image_pixels(page, login):
    project, user, _ = region_project(BOXES_SCHEMA, images=(SIZE,))
    open_screen(page, login, project)
    viewport = page.locator(".boxes-viewport").bounding_box()
    centre = (round(viewport["x"] + viewport["width"] / 2), round(viewport["y"] + viewport["height"] / 2))
    for _ in range(3):
        page.mouse.move(*centre)
        page.mouse.wheel(0, -100)
    page.keyboard.down(" ")
    drag(page, centre, (centre[0] + 100, centre[1] + 50))
    page.keyboard.up(" ")
    assert page.locator(".boxes-overlay g.box").count() == 0  # panning drew nothing
    start, end = screen_point(page, 300, 200), screen_point(page, 340, 230)
    drag(page, start, end)
    label, x, y, w, h = listed(page)
    assert max(abs(x - 300), abs(y - 200), abs(w - 40), abs(h - 30)) <= 1
    page.keyboard.press("Enter")
    page.wait_for_selector("#done:not([hidden])")
    assert Annotation.objects.get(annotator=user).value == {
        "boxes": [{"x": x, "y": y, "width": w, "height": h, "label": label}]
    }


def test_suggested_boxes_are_dashed_and_one_is_accepted(page, login, screenshot):
    project, user, items = region_project(BOXES_SCHEMA, images=(SIZE,), show_prelabels=True)
    suggested = [
        {"x": 100, "y": 100, "width": 120, "height": 120, "label": "circle"},
        {"x": 350, "y": 200, "width": 120, "height": 120, "label": "square"},
    ]
    PredictionFactory(item=items[0], value={"boxes": suggested}, score=0.6)
    open_screen(page, login, project)
    assert page.locator(".boxes-overlay g.suggestion").count() == 2
    screenshot(page, "annotate_boxes_suggestion")
    for key in ["Tab", "Tab", "a", "Enter"]:
        page.keyboard.press(key)
    page.wait_for_selector("#done:not([hidden])")
    assert Annotation.objects.get(annotator=user).value == {"boxes": [suggested[1]]}


def test_the_history_edit_page_reuses_the_box_component(page, login):
    project, user, items = region_project(BOXES_SCHEMA, images=(SIZE,))
    box = {"x": 10, "y": 20, "width": 30, "height": 40, "label": "circle"}
    annotation = AnnotationFactory(item=items[0], annotator=user, project=project, value={"boxes": [box]})
    login(page, "ann")
    page.goto(f"{page.base}/projects/{project.pk}/history/{annotation.pk}/")
    page.wait_for_selector(".boxes-overlay g.box", state="attached")
    page.focus(".boxes-viewport")
    for key in ["Tab", "2", "ArrowLeft", "Shift+ArrowDown"]:
        page.keyboard.press(key)
    page.click("#edit-form button[type=submit]")
    page.wait_for_url(f"**/projects/{project.pk}/history/")
    annotation.refresh_from_db()
    assert annotation.value == {"boxes": [{**box, "x": 9, "y": 30, "label": "square"}]}
