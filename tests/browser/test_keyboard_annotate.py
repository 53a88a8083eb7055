"""Keyboard on the labeling screen (issue 16, WCAG 2.1.1 and 2.1.4): Enter activates the
focused control, single keys act only inside the item and its form, and a user can turn
them off."""

from __future__ import annotations

import pytest

from labeling.models import Annotation, Assignment, LabelingPreference
from tests.browser.conftest import wait_until
from tests.browser.test_annotate import labeling_project, open_screen
from tests.factories import SINGLE_SCHEMA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pressed(page):
    """The values of the label buttons that are currently pressed."""
    return page.eval_on_selector_all(
        '.label-option[aria-pressed="true"]', "(buttons) => buttons.map((b) => b.dataset.value)"
    )


def test_enter_on_a_focused_label_button_picks_that_label_and_submits_nothing(page, login):
    project, user, _ = labeling_project(SINGLE_SCHEMA, texts=("One.", "Two."))
    open_screen(page, login, project)
    page.focus('.label-option[data-value="positive"]')
    page.keyboard.press("Space")
    assert pressed(page) == ["positive"]
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert pressed(page) == ["negative"]
    page.wait_for_timeout(300)
    assert not Annotation.objects.filter(annotator=user).exists()
    page.focus("#submit")
    page.keyboard.press("Enter")
    wait_until(page, "() => document.getElementById('progress-done').textContent === '1'")
    assert Annotation.objects.get(annotator=user).value == {"label": "negative"}


def test_enter_on_a_focused_link_follows_it_and_records_nothing(page, login):
    project, user, _ = labeling_project(SINGLE_SCHEMA, texts=("One.", "Two."))
    open_screen(page, login, project)
    page.focus('.label-option[data-value="positive"]')
    page.keyboard.press("Space")
    assert pressed(page) == ["positive"]  # a label is chosen: Enter in the item would submit it
    page.focus("#nav-annotate_history")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/projects/{project.pk}/history/")
    page.wait_for_timeout(300)
    assert not Annotation.objects.filter(annotator=user).exists()
    assert not Assignment.objects.filter(annotator=user, status="submitted").exists()


def test_single_keys_do_nothing_while_focus_is_on_a_link_or_a_button_outside_the_item(page, login):
    project, user, _ = labeling_project(SINGLE_SCHEMA, texts=("One.", "Two."))
    open_screen(page, login, project)
    for outside in ("#nav-annotate_history", "#keys-button"):
        page.focus(outside)
        for key in ("1", "u", "s"):
            page.keyboard.press(key)
    page.wait_for_timeout(300)
    assert pressed(page) == []
    assert not page.is_checked("#unsure")
    assert page.url.endswith("/annotate/")
    assert not Assignment.objects.filter(annotator=user, status="skipped").exists()
    assert not Annotation.objects.filter(annotator=user).exists()


def test_a_user_who_turned_shortcuts_off_labels_with_tab_space_and_enter_only(page, login):
    project, user, _ = labeling_project(SINGLE_SCHEMA, texts=("One.", "Two."))
    LabelingPreference.objects.create(user=user, shortcuts_enabled=False)
    open_screen(page, login, project)
    assert page.get_attribute("body", "data-shortcuts") == "off"
    page.focus("#item-text")
    page.keyboard.press("1")
    page.keyboard.press("s")
    page.wait_for_timeout(300)
    assert pressed(page) == []
    assert not Assignment.objects.filter(annotator=user, status="skipped").exists()
    page.focus('.label-option[data-value="neutral"]')
    page.keyboard.press("Enter")
    page.focus("#submit")
    page.keyboard.press("Enter")
    wait_until(page, "() => document.getElementById('progress-done').textContent === '1'")
    assert Annotation.objects.get(annotator=user).value == {"label": "neutral"}


def test_the_switch_in_the_account_menu_turns_shortcuts_off(page, login):
    _, user, _ = labeling_project(SINGLE_SCHEMA)
    login(page, "ann")
    page.click(".user-menu summary")
    page.click("text=Keyboard shortcuts")
    page.uncheck("#id_shortcuts")
    page.click("#keyboard-form button[type=submit]")
    page.wait_for_selector("text=Single-key shortcuts are off.")
    assert LabelingPreference.objects.get(user=user).shortcuts_enabled is False


def test_after_the_last_item_all_done_takes_the_focus(page, login):
    project, _, _ = labeling_project(SINGLE_SCHEMA, texts=("Only one.",))
    open_screen(page, login, project)
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    page.wait_for_selector("#done:not([hidden])")
    wait_until(page, "() => document.activeElement.id === 'done-title'")
    assert page.get_attribute("#done", "role") == "status"
