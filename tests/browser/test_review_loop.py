"""The review loop in Chromium: a three-way disagreement reaches the queue under low agreement,
the reviewer settles it by keyboard, the export and the annotator's outcome show the correction.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

import review.tasks  # noqa: F401  (registers the review tasks the events name, as a worker would)
from labeling import events
from labeling.models import Item
from labeling.services.items import pending_flag
from review.models import Flag, FlagStatus
from review.selectors.outcomes import annotation_outcomes
from tests.factories import AnnotationFactory, ItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def disagree(project, annotators):
    """Three annotators label one item three ways; labeling tells review by task name."""
    item = ItemFactory(
        project=project, external_id="ext-loop", data={"text": "Well, that was something."}
    )
    for user, label in zip(annotators, ("positive", "negative", "neutral"), strict=True):
        AnnotationFactory(item=item, annotator=user, value={"label": label}, lead_time_ms=3000)
        Item.objects.filter(pk=item.pk).update(**pending_flag(timezone.now()))
        events.enqueue(events.ITEMS_PENDING, [project.pk])
    return item


def export_lines(project, user):
    """The project's JSONL export (GET /api/projects/{id}/export) as dicts."""
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/projects/{project.pk}/export", {"format": "jsonl"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return [json.loads(line) for line in body.decode().splitlines() if line.strip()]


def open_from_queue(page, project, item, screenshot):
    """Home -> Review -> the low-agreement count -> J, Enter: the item's review page."""
    card = page.locator(f'.project-row[data-project="{project.pk}"]')
    card.locator('[data-action="review-queue"]').click()  # "Review (N open)"
    page.click('.count[data-reason="low_agreement"]')
    row = page.locator(f'.queue-row[data-item="{item.pk}"][data-reason="low_agreement"]')
    assert row.count() == 1
    screenshot(page, "review_queue")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_selector("#final-form")


def settle_by_keyboard(page, annotation, screenshot):
    """R rejects the focused annotation; 2 picks "negative", M the cause, F sets it."""
    card = f'.annotation[data-annotation="{annotation.pk}"]'
    page.focus(card)
    page.keyboard.press("r")
    page.wait_for_selector(f"{card}.verdict-rejected")
    page.keyboard.press("2")
    page.keyboard.press("m")
    screenshot(page, "review_item")
    page.keyboard.press("f")
    page.wait_for_selector("text=Final label set.")


def test_a_reviewer_settles_a_disagreement_by_keyboard(
    page, login, screenshot, project, lead, reviewer, annotators
):
    item = disagree(project, annotators)
    assert Flag.objects.filter(item=item, reason="low_agreement", status="open").exists()
    mine = item.annotations.get(annotator=annotators[0])

    login(page, "reviewer")
    open_from_queue(page, project, item, screenshot)
    assert page.locator(".annotation").count() == 3
    settle_by_keyboard(page, mine, screenshot)
    # The only item is settled: the queue opens, empty, with the decision's Undo toast.
    page.wait_for_selector("#queue-done")
    assert page.url.startswith(f"{page.base}{reverse('review-queue', kwargs={'project_id': project.pk})}")
    assert page.inner_text("#queue-done") == "Nothing matches these filters"  # the low-agreement filter stays
    assert "Final label set." in page.inner_text("#undo-toast")

    item.refresh_from_db()
    assert item.final_value == {"label": "negative"}
    assert item.final_reviewer == reviewer
    assert item.review_decisions.get().cause == "ambiguous"
    assert not Flag.objects.filter(item=item, status=FlagStatus.OPEN).exists()

    exported = next(line for line in export_lines(project, lead) if line["id"] == "ext-loop")
    assert exported["final"]["value"] == {"label": "negative"}

    outcome = annotation_outcomes(user=annotators[0], annotation_ids=[mine.pk])[mine.pk]
    assert (outcome["final_value"], outcome["corrected"]) == ({"label": "negative"}, True)
    assert outcome["verdict"] == "rejected"

    page.click("form.logout button[type=submit]")
    login(page, "annotator1")
    page.goto(f"{page.base}{reverse('annotate_history', kwargs={'project_id': project.pk})}")
    assert "corrected to negative" in page.locator("main").inner_text()
    screenshot(page, "review_outcome_in_history")
