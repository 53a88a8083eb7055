"""Keyboard on the review pages (issue 16, WCAG 2.1.1, 2.1.4, 2.4.3, 4.1.3): single keys stay
off links and buttons, the queue's Enter never hijacks another link, actions keep focus and
announce their message, and an empty queue says "All done"."""

from __future__ import annotations

import pytest
from django.urls import reverse

import review.tasks  # noqa: F401  (registers the review tasks the events name)
from labeling.models import LabelingPreference
from review.models import ReviewDecision
from tests.browser.conftest import wait_until
from tests.browser.test_review_loop import disagree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def queue_url(page, project):
    return f"{page.base}{reverse('review-queue', kwargs={'project_id': project.pk})}"


def item_url(page, project, item):
    return f"{page.base}{reverse('review-item', kwargs={'project_id': project.pk, 'item_id': item.pk})}"


def test_enter_on_the_clear_link_clears_the_filters_and_opens_no_item(
    page, login, project, reviewer, annotators
):
    disagree(project, annotators)
    login(page, "reviewer")
    page.goto(queue_url(page, project) + "?reason=low_agreement")
    page.keyboard.press("j")
    assert page.locator(".queue-row.current").count() == 1
    page.focus(".filter-actions a")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(queue_url(page, project))
    assert "/items/" not in page.url


def test_single_keys_do_nothing_on_links_and_buttons_of_the_item_page(
    page, login, project, reviewer, annotators
):
    item = disagree(project, annotators)
    login(page, "reviewer")
    page.goto(item_url(page, project, item))
    for outside in (".topbar nav a", "#set-final", ".thread button[type=submit]"):
        page.focus(outside)
        for key in ("2", "f", "b", "a"):
            page.keyboard.press(key)
    page.wait_for_timeout(400)
    assert page.url.startswith(item_url(page, project, item))
    assert not ReviewDecision.objects.filter(item=item).exists()
    assert not item.annotations.filter(review__isnull=False).exists()
    assert not page.is_checked('#final-form input[data-key="2"]')
    assert page.evaluate("() => document.getElementById('send-back').open") is False


def test_a_verdict_keeps_focus_on_its_annotation_and_announces_the_message(
    page, login, project, reviewer, annotators
):
    item = disagree(project, annotators)
    mine = item.annotations.get(annotator=annotators[0])
    card = f'.annotation[data-annotation="{mine.pk}"]'
    login(page, "reviewer")
    page.goto(item_url(page, project, item))
    page.click(f'{card} button[data-verdict="accepted"]')
    page.wait_for_selector(f"{card}.verdict-accepted")
    wait_until(page, "(sel) => document.activeElement === document.querySelector(sel)", card)
    # The decision is announced by its Undo toast (a status region).
    wait_until(page, "() => document.getElementById('undo-toast').textContent.includes('accepted')")
    assert page.get_attribute("#undo-toast", "role") == "status"


def test_with_shortcuts_off_the_final_key_does_nothing(page, login, project, reviewer, annotators):
    item = disagree(project, annotators)
    LabelingPreference.objects.create(user=reviewer, shortcuts_enabled=False)
    login(page, "reviewer")
    page.goto(item_url(page, project, item))
    page.focus(".annotation")
    for key in ("2", "f"):
        page.keyboard.press(key)
    page.wait_for_timeout(400)
    assert not page.is_checked('#final-form input[data-key="2"]')
    assert not ReviewDecision.objects.filter(item=item).exists()


def test_an_empty_queue_announces_all_done_and_focuses_it(page, login, project, reviewer):
    login(page, "reviewer")
    page.goto(queue_url(page, project))
    wait_until(page, "() => document.activeElement.id === 'queue-done'")
    assert page.inner_text("#queue-done") == "All done"
    assert page.get_attribute(".empty", "role") == "status"
