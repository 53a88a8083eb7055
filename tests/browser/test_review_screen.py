"""The review screen's issue-16 points in Chromium: the project's label hotkeys pick the final
label, a decision opens the next item and offers Undo for 10 seconds (a status toast, U or
the button), and single keys stay quiet in text fields; axe on the toast state."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

import review.tasks  # noqa: F401  (registers the review tasks the events name)
from labeling import events
from labeling.models import AuditEntry, Item
from labeling.services.items import pending_flag
from review.models import ReviewDecision
from tests.browser import test_accessibility
from tests.browser.conftest import wait_until
from tests.browser.test_accessibility import report
from tests.factories import AnnotationFactory, ItemFactory

axe = test_accessibility.audit  # the axe-core fixture, here named "axe"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def lettered(project):
    """The project's labels get letter hotkeys (not the review page's old 1..9); every
    flagged item is queued (the review budget would keep only the riskiest share)."""
    project.schema = {
        **project.schema,
        "settings": {**project.schema.get("settings", {}), "review_budget": 1.0},
        "labels": [{"value": "positive", "hotkey": "p"}, {"value": "negative", "hotkey": "n"},
                   {"value": "neutral", "hotkey": "t"}],
    }
    project.save()


def contested(project, annotators, external_id):
    item = ItemFactory(project=project, external_id=external_id, data={"text": f"Text of {external_id}."})
    for user, label in zip(annotators, ("positive", "negative", "neutral"), strict=True):
        AnnotationFactory(item=item, annotator=user, value={"label": label}, lead_time_ms=2000)
    # What the submits leave behind: the item pending, then the project's drain.
    Item.objects.filter(pk=item.pk).update(**pending_flag(timezone.now()))
    events.enqueue(events.ITEMS_PENDING, [project.pk])
    return item


def item_url(page, project, item_id):
    return f"{page.base}{reverse('review-item', kwargs={'project_id': project.pk, 'item_id': item_id})}"


def open_queue_top(page, login, project):
    login(page, "reviewer")
    page.goto(f"{page.base}{reverse('review-queue', kwargs={'project_id': project.pk})}")
    rows = page.eval_on_selector_all(".queue-row", "(rows) => rows.map((r) => Number(r.dataset.item))")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_selector("#final-form")
    return rows


def test_a_decision_by_hotkey_opens_the_next_item_and_undo_takes_it_back(
    page, login, screenshot, axe, project, reviewer, annotators
):
    lettered(project)
    for name in ("ext-a", "ext-b"):
        contested(project, annotators, name)
    first, second = open_queue_top(page, login, project)
    assert page.url == item_url(page, project, first)
    assert page.inner_text('label.option:has(input[value="negative"]) kbd') == "N"
    page.focus(".annotation")
    page.keyboard.press("n")
    assert page.is_checked('#final-form input[value="negative"]')
    page.keyboard.press("f")
    page.wait_for_url(item_url(page, project, second))
    toast = page.locator("#undo-toast")
    assert toast.get_attribute("role") == "status"
    wait_until(page, "() => document.querySelector('#undo-toast .toast-text').textContent.includes('Final label set.')")
    screenshot(page, "review_undo_toast")
    found = axe("review undo toast")
    assert found == [], report(found)
    assert ReviewDecision.objects.filter(item_id=first).count() == 1
    page.focus("main")
    page.keyboard.press("u")
    page.wait_for_url(item_url(page, project, first))
    wait_until(page, "() => document.querySelector('.messages').textContent.includes('Undone.')")
    assert page.inner_text(".final-value") == "not settled"
    assert not ReviewDecision.objects.filter(item_id=first).exists()
    actions = list(AuditEntry.objects.filter(target_id=str(first)).values_list("action", flat=True))
    assert actions[-2:] == ["review.final", "review.undo"]


def test_the_undo_toast_leaves_after_ten_seconds(page, login, project, reviewer, annotators):
    contested(project, annotators, "ext-only")
    open_queue_top(page, login, project)
    page.keyboard.press("2")
    page.keyboard.press("f")
    page.wait_for_selector("#undo-toast")
    left = page.evaluate("Number(document.getElementById('undo-toast').dataset.until) - Date.now()")
    assert 7000 < left <= 10000
    wait_until(page, "() => !document.getElementById('undo-toast')", timeout=12)
    page.keyboard.press("u")
    page.wait_for_timeout(400)
    assert ReviewDecision.objects.count() == 1  # nothing left to undo


def test_single_keys_stay_quiet_while_typing_in_the_pages_text_fields(
    page, login, project, reviewer, annotators
):
    lettered(project)
    item = contested(project, annotators, "ext-typing")
    login(page, "reviewer")
    page.goto(item_url(page, project, item.pk))
    for field in ("#final-note", "#comment-body", ".verdict-form input[name=comment]"):
        page.focus(field)
        page.keyboard.type("nfb2ardu")
        assert page.input_value(field) == "nfb2ardu"
    page.wait_for_timeout(300)
    assert page.url == item_url(page, project, item.pk)
    assert not page.is_checked('#final-form input[value="negative"]')
    assert page.evaluate("() => document.getElementById('send-back').open") is False
    assert not ReviewDecision.objects.exists()
    assert not item.annotations.filter(review__isnull=False).exists()
