"""The span screen in Chromium: label by mouse and by keyboard only, emoji offsets, undo,
suggestions, the history edit page; stored values checked exactly."""

from __future__ import annotations

import pytest

from labeling.models import Annotation
from tests.browser.conftest import wait_until
from tests.browser.region_helpers import SPANS_SCHEMA, open_screen, region_project, text_point
from tests.factories import AnnotationFactory, PredictionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Ann Lee met Bob at Acme Corp in Paris today."


def drag(page, start, end):
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=5)
    page.mouse.up()


def test_an_annotator_labels_spans_with_the_mouse(page, login, screenshot):
    project, user, _ = region_project(SPANS_SCHEMA, texts=(TEXT,))
    open_screen(page, login, project)
    # A drag from inside "Ann" to inside "Lee" snaps to the two whole words.
    drag(page, text_point(page, 1, 2), text_point(page, 5, 6))
    page.keyboard.press("1")
    start, end = text_point(page, 19, 20), text_point(page, 25, 26)  # "cme Co" -> "Acme Corp"
    drag(page, start, end)
    page.click(".region-label[data-value=ORG]")
    drag(page, text_point(page, 33, 34), text_point(page, 35, 36))  # inside "Paris"
    page.keyboard.press("3")
    # A second, overlapping span: "Acme Corp in Paris" as LOC, then relabel it by clicking it.
    drag(page, text_point(page, 19, 20), text_point(page, 36, 37))
    page.keyboard.press("3")
    page.wait_for_selector(".region-row:nth-child(4)")
    screenshot(page, "annotate_spans_mouse")
    page.mouse.click(*text_point(page, 29, 31))  # "in": only the long span covers it
    assert "Acme Corp in Paris" in page.text_content(".region-row.selected")
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    page.wait_for_selector("#done:not([hidden])")
    assert Annotation.objects.get(annotator=user).value == {
        "spans": [
            {"start": 0, "end": 7, "label": "PER"},
            {"start": 19, "end": 28, "label": "ORG"},
            {"start": 19, "end": 37, "label": "ORG"},
            {"start": 32, "end": 37, "label": "LOC"},
        ]
    }


def test_an_annotator_labels_spans_by_keyboard_only_with_python_offsets_after_an_emoji(page, login, screenshot):
    text = "\U0001f600 Ann met Bob in Oslo today"
    project, user, _ = region_project(SPANS_SCHEMA, texts=(text,))
    open_screen(page, login, project)
    for key in ["ArrowRight", "Shift+ArrowLeft", "1"]:  # caret to the end of "Ann", select it, PER
        page.keyboard.press(key)
    for key in ["ArrowRight", "ArrowRight", "Shift+ArrowLeft", "2"]:  # "Bob" as ORG
        page.keyboard.press(key)
    for key in ["ArrowRight", "Shift+ArrowRight", "3"]:  # past "in", then " Oslo" trimmed: LOC
        page.keyboard.press(key)
    for key in ["Escape", "Tab", "3", "Tab", "Delete"]:  # Oslo stays selected: clear, Ann -> LOC, delete Bob ...
        page.keyboard.press(key)
    page.keyboard.press("Control+z")  # ... bring Bob back,
    page.keyboard.press("Control+Shift+z")  # delete him again (redo)
    page.keyboard.press("Control+z")  # and undo that
    screenshot(page, "annotate_spans_keyboard")
    page.keyboard.press("u")
    page.keyboard.press("Enter")
    page.wait_for_selector("#done:not([hidden])")
    annotation = Annotation.objects.get(annotator=user)
    assert annotation.value == {
        "spans": [
            {"start": 2, "end": 5, "label": "LOC"},
            {"start": 10, "end": 13, "label": "ORG"},
            {"start": 17, "end": 21, "label": "LOC"},
        ]
    }
    assert [text[s["start"] : s["end"]] for s in annotation.value["spans"]] == ["Ann", "Bob", "Oslo"]
    assert annotation.unsure is True
    assert annotation.lead_time_ms is not None


def test_character_precision_selects_inside_a_word(page, login):
    project, user, _ = region_project(SPANS_SCHEMA, texts=("Mr. Smithson left",))
    open_screen(page, login, project)
    page.check(".region-precision input")
    drag(page, text_point(page, 4, 5, 0.1), text_point(page, 8, 9, 0.9))
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    page.wait_for_selector("#done:not([hidden])")
    assert Annotation.objects.get(annotator=user).value == {"spans": [{"start": 4, "end": 9, "label": "PER"}]}


def test_suggested_spans_are_dashed_and_accepted_one_or_all(page, login, screenshot):
    project, user, items = region_project(SPANS_SCHEMA, texts=(TEXT, TEXT), show_prelabels=True)
    suggested = {"spans": [{"start": 0, "end": 7, "label": "PER"}, {"start": 32, "end": 37, "label": "LOC"}]}
    for item in items:
        PredictionFactory(item=item, value=suggested, score=0.7)
    open_screen(page, login, project)
    assert page.locator(".span-text .in-suggestion").count() >= 2
    screenshot(page, "annotate_spans_suggestion")
    page.keyboard.press("a")
    page.keyboard.press("Enter")
    wait_until(page, "document.querySelectorAll('.region-row.suggestion').length === 2")
    for key in ["Tab", "Tab", "2", "Enter"]:  # the second suggestion, accepted as ORG
        page.keyboard.press(key)
    page.wait_for_selector("#done:not([hidden])")
    values = [a.value for a in Annotation.objects.filter(annotator=user).order_by("id")]
    assert values == [suggested, {"spans": [{"start": 32, "end": 37, "label": "ORG"}]}]


def test_the_history_edit_page_reuses_the_span_component(page, login, screenshot):
    project, user, items = region_project(SPANS_SCHEMA, texts=(TEXT,))
    annotation = AnnotationFactory(
        item=items[0], annotator=user, project=project,
        value={"spans": [{"start": 0, "end": 7, "label": "PER"}, {"start": 12, "end": 15, "label": "PER"}]},
    )
    login(page, "ann")
    page.goto(f"{page.base}/projects/{project.pk}/history/{annotation.pk}/")
    page.wait_for_selector(".span-text span[data-start]")
    page.focus(".span-text")
    for key in ["Tab", "Tab", "2", "Shift+Tab", "Delete"]:  # Bob -> ORG, then delete Ann Lee
        page.keyboard.press(key)
    screenshot(page, "annotate_spans_edit")
    page.click("#edit-form button[type=submit]")
    page.wait_for_url(f"**/projects/{project.pk}/history/")
    annotation.refresh_from_db()
    assert annotation.value == {"spans": [{"start": 12, "end": 15, "label": "ORG"}]}


def test_the_caret_and_a_selected_span_stay_in_view_in_a_long_text(page, login):
    text = " ".join(f"word{n}" for n in range(3000))  # far taller than the text box
    project, _user, _ = region_project(SPANS_SCHEMA, texts=(text,))
    open_screen(page, login, project)
    page.keyboard.press("End")
    assert page.evaluate("document.querySelector('.span-text').scrollTop") > 0
    caret = page.evaluate("document.querySelector('.text-caret').getBoundingClientRect().bottom")
    assert caret <= page.evaluate("document.querySelector('.span-text').getBoundingClientRect().bottom")
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("1")
    page.keyboard.press("Home")
    assert page.evaluate("document.querySelector('.span-text').scrollTop") < 20
    page.keyboard.press("Tab")  # the span at the end: scrolled back into view
    assert page.evaluate("document.querySelector('.span-text').scrollTop") > 1000
    assert page.text_content(".region-row.selected strong") == "PER"
