"""The labeling screen in Chromium: keyboard-only labeling, progress, history edit, XSS, kinds."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from labeling.models import Annotation, Item, Project
from tests.browser.conftest import wait_until
from tests.factories import (
    RATING_SCHEMA,
    SINGLE_SCHEMA,
    ItemFactory,
    MembershipFactory,
    PredictionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MULTI_SCHEMA = {
    "kind": "multi",
    "data": "text",
    "labels": [
        {"value": "food", "hotkey": "1"},
        {"value": "service", "hotkey": "2"},
        {"value": "price", "hotkey": "3"},
    ],
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def labeling_project(schema, *, texts=("A fine day.",), **fields):
    project = Project.objects.create(name=f"Browser {schema['kind']} {schema['data']}", schema=schema, **fields)
    user = UserFactory(username="ann")
    MembershipFactory(project=project, user=user)
    items = [ItemFactory(project=project, data={"text": text}) for text in texts]
    return project, user, items


def open_screen(page, login, project):
    login(page, "ann")
    page.goto(f"{page.base}/projects/{project.pk}/annotate/")
    page.wait_for_selector("#item-card:not([hidden])")


def current_id(page):
    return page.text_content("#item-external-id")


def test_annotator_labels_five_items_by_keyboard_and_changes_one_from_history(page, login):
    texts = [f"Review number {n}: it was fine." for n in range(6)]
    project, user, _items = labeling_project(SINGLE_SCHEMA, texts=texts)
    open_screen(page, login, project)
    wait_until(page, "() => document.getElementById('progress-remaining').textContent === '6'")

    for step in range(5):
        before = current_id(page)
        page.keyboard.press("1" if step % 2 == 0 else "2")
        page.keyboard.press("u" if step == 0 else "Shift")
        page.keyboard.press("Enter")
        wait_until(
            page,
            "(before) => document.getElementById('item-external-id').textContent !== before", before
        )

    wait_until(page, "() => document.getElementById('progress-done').textContent === '5'")
    assert page.text_content("#progress-remaining") == "1"
    stored = Annotation.objects.filter(annotator=user).order_by("id")
    assert [a.value["label"] for a in stored] == ["positive", "negative", "positive", "negative", "positive"]
    assert stored[0].unsure is True
    assert all(a.lead_time_ms is not None for a in stored)

    page.click("#nav-annotate_history")
    first = stored[0]
    page.click(f"tr[data-annotation='{first.pk}'] a.button")
    page.check("input[name=label][value=neutral]")
    page.click("#edit-form button[type=submit]")
    page.wait_for_selector(f"tr[data-annotation='{first.pk}']")
    assert page.text_content(f"tr[data-annotation='{first.pk}'] .history-label").strip().startswith("neutral")
    first.refresh_from_db()
    assert first.value == {"label": "neutral"}


def test_item_text_with_html_is_shown_as_text(page, login):
    hostile = '<script>window.__xss = 1</script><b id="bold">bold</b><img src=x onerror="window.__xss=2">'
    project, _user, _items = labeling_project(SINGLE_SCHEMA, texts=(hostile,))
    open_screen(page, login, project)
    assert page.text_content("#item-text") == hostile
    assert page.evaluate("window.__xss") is None
    assert page.query_selector("#item-text b, #item-text img, #item-text script") is None


def test_skip_and_help_keys(page, login):
    project, user, _items = labeling_project(SINGLE_SCHEMA, texts=("one", "two"))
    open_screen(page, login, project)
    for _ in range(50):  # the screen prefetches the second item with its own lease
        if user.assignments.filter(status="active").count() == 2:
            break
        time.sleep(0.1)
    assert user.assignments.filter(status="active").count() == 2
    first = current_id(page)
    page.keyboard.press("s")
    wait_until(page, "(b) => document.getElementById('item-external-id').textContent !== b", first)
    page.keyboard.press("?")
    assert page.is_visible("#keys-help")
    assert "positive" in page.text_content("#keys-list")
    assert user.assignments.filter(status="skipped").count() == 1


def test_the_suggested_label_is_accepted_with_a(page, login):
    project, user, items = labeling_project(SINGLE_SCHEMA, show_prelabels=True)
    PredictionFactory(item=items[0], value={"label": "neutral"}, score=0.8)
    open_screen(page, login, project)
    assert page.is_visible("#suggestion")
    assert page.text_content("#suggestion-value") == "neutral"
    page.keyboard.press("a")
    page.keyboard.press("Enter")
    page.wait_for_selector("#done:not([hidden])")
    annotation = Annotation.objects.get(annotator=user)
    assert (annotation.value, annotation.prelabel_shown) == ({"label": "neutral"}, True)


@pytest.mark.parametrize(
    ("kind", "schema", "keys", "value"),
    [
        ("single", SINGLE_SCHEMA, ["3"], {"label": "neutral"}),
        ("multi", MULTI_SCHEMA, ["1", "3"], {"labels": ["food", "price"]}),
        ("rating", RATING_SCHEMA, ["4"], {"rating": 4}),
    ],
)
def test_each_kind_is_labeled_by_keyboard(page, login, screenshot, kind, schema, keys, value):
    project, user, _items = labeling_project(schema, texts=("The soup was cold but cheap.",))
    open_screen(page, login, project)
    for key in keys:
        page.keyboard.press(key)
    screenshot(page, f"annotate_{kind}")
    page.keyboard.press("Enter")
    page.wait_for_selector("#done:not([hidden])")
    assert Annotation.objects.get(annotator=user).value == value


def test_an_image_item_is_scaled_to_fit_and_zooms_on_click(page, login, screenshot):
    """Fitted into its viewport; a click (no drag) doubles it, a second click fits again."""
    schema = {**SINGLE_SCHEMA, "data": "image"}
    project, _user, items = labeling_project(schema)
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1600), (60, 120, 200)).save(buffer, format="PNG")
    item = items[0]
    item.data = {"image": "big.png"}
    item.image.save("big.png", ContentFile(buffer.getvalue()), save=False)
    item.width, item.height = 2400, 1600
    item.save()
    open_screen(page, login, project)
    wait_until(page, "() => document.getElementById('item-image').naturalWidth === 2400")
    fitted = page.evaluate("document.getElementById('item-image').getBoundingClientRect().width")
    assert fitted < 1280
    screenshot(page, "annotate_image")
    page.click("#item-zoom")
    zoomed = page.evaluate("document.getElementById('item-image').getBoundingClientRect().width")
    assert zoomed == pytest.approx(2 * fitted, rel=0.01)
    page.click("#item-zoom")
    again = page.evaluate("document.getElementById('item-image').getBoundingClientRect().width")
    assert again == pytest.approx(fitted, rel=0.01)
    assert Item.objects.get(pk=item.pk).image


def test_the_screen_fits_a_900px_window_with_visible_focus(page, login, screenshot):
    project, _user, _items = labeling_project(SINGLE_SCHEMA, texts=("A narrow window " * 40,))
    page.set_viewport_size({"width": 900, "height": 800})
    open_screen(page, login, project)
    assert page.evaluate("document.documentElement.scrollWidth") <= 900
    assert page.is_visible("#submit")
    page.keyboard.press("Tab")
    page.focus(".label-option")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    screenshot(page, "annotate_900px")
