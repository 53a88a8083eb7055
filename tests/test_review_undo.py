"""The review screen's issue-16 points on the server: undo within 10 s (and not after, not by
another reviewer, not twice), the next item after a decision, one queue row per item with all
its reasons, annotation times, and the project's hotkeys as the final-label keys."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from labeling.assignment import engine
from labeling.exceptions import Conflict, NotFound
from labeling.models import AuditEntry, Project
from labeling.services import annotation_submit
from review.models import AnnotationReview, Flag, FlagStatus, ReviewDecision
from review.selectors import queue
from review.services import decisions as decide
from review.services.flags import item_flags_refresh
from review.services.undo import decision_undo
from tests.factories import AnnotationFactory, ItemFactory

pytestmark = pytest.mark.django_db

LABELS = ("positive", "negative", "neutral")


def contested_item(project, annotators, external_id="ext-c"):
    item = ItemFactory(project=project, external_id=external_id, data={"text": "Meh."})
    for user, label in zip(annotators, LABELS, strict=True):
        AnnotationFactory(item=item, annotator=user, value={"label": label})
    item_flags_refresh(item_id=item.pk)
    return item


def last_entry(action):
    return AuditEntry.objects.filter(action=action).latest("id")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_undoing_a_final_label_restores_the_item_its_flags_and_forgets_the_decision(
    project, annotators, reviewer
):
    item = contested_item(project, annotators)
    before = dict(Flag.objects.filter(item=item).values_list("pk", "status"))
    decide.final_label_set(item=item, reviewer=reviewer, value={"label": "negative"}, cause="slip")
    decision_undo(project_id=project.pk, entry_id=last_entry("review.final").pk, reviewer=reviewer)
    item.refresh_from_db()
    assert (item.final_value, item.final_reviewer_id, item.final_decided_at) == (None, None, None)
    assert dict(Flag.objects.filter(item=item).values_list("pk", "status")) == before
    assert not ReviewDecision.objects.filter(item=item).exists()
    undo = last_entry("review.undo")
    assert undo.after["undoes"] == last_entry("review.final").pk
    assert undo.before["final_value"] == {"label": "negative"}  # the trail keeps the decision


def test_an_undo_after_the_time_is_refused_and_the_decision_stays(project, annotators, reviewer):
    item = contested_item(project, annotators)
    decide.final_label_set(item=item, reviewer=reviewer, value={"label": "negative"})
    entry = last_entry("review.final")
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=timezone.now() - timedelta(seconds=16))
    with pytest.raises(Conflict, match="10 seconds"):
        decision_undo(project_id=project.pk, entry_id=entry.pk, reviewer=reviewer)
    item.refresh_from_db()
    assert item.final_value == {"label": "negative"}


def test_only_the_deciding_reviewer_may_undo_and_only_once(project, annotators, reviewer, lead):
    item = contested_item(project, annotators)
    decide.final_label_set(item=item, reviewer=reviewer, value={"label": "negative"})
    entry = last_entry("review.final")
    with pytest.raises(NotFound):
        decision_undo(project_id=project.pk, entry_id=entry.pk, reviewer=lead)
    other = Project.objects.create(name="Other", schema=project.schema)
    with pytest.raises(NotFound):
        decision_undo(project_id=other.pk, entry_id=entry.pk, reviewer=reviewer)
    decision_undo(project_id=project.pk, entry_id=entry.pk, reviewer=reviewer)
    with pytest.raises(Conflict, match="undone already"):
        decision_undo(project_id=project.pk, entry_id=entry.pk, reviewer=reviewer)


def test_undoing_a_send_back_restores_the_round_until_someone_relabels(project, annotators, reviewer):
    item = contested_item(project, annotators)
    decide.item_send_back(item=item, reviewer=reviewer, note="again")
    entry = last_entry("review.send_back")
    decision_undo(project_id=project.pk, entry_id=entry.pk, reviewer=reviewer)
    item.refresh_from_db()
    assert item.round == 1
    assert set(Flag.objects.filter(item=item).values_list("status", flat=True)) == {FlagStatus.OPEN}
    assert not ReviewDecision.objects.filter(item=item).exists()
    assert engine.next_item(project, annotators[0]) is None  # nothing to relabel any more

    decide.item_send_back(item=item, reviewer=reviewer)
    lease = engine.next_item(project, annotators[0])
    annotation_submit(assignment_id=lease.pk, user=annotators[0], value={"label": "negative"})
    with pytest.raises(Conflict):
        decision_undo(
            project_id=project.pk, entry_id=last_entry("review.send_back").pk, reviewer=reviewer
        )


def test_undoing_an_example_mark_unmarks_the_item(project, annotators, reviewer):
    item = contested_item(project, annotators)
    decide.example_mark(item=item, reviewer=reviewer, note="edge case")
    decision_undo(project_id=project.pk, entry_id=last_entry("review.example").pk, reviewer=reviewer)
    item.refresh_from_db()
    assert (item.is_example, item.example_note) == (False, "")


def test_a_comment_is_not_offered_for_undo_and_does_not_block_one(project, annotators, reviewer):
    item = contested_item(project, annotators)
    decide.final_label_set(item=item, reviewer=reviewer, value={"label": "neutral"})
    decide.comment_add(item=item, author=reviewer, body="settled after a chat")
    decision_undo(project_id=project.pk, entry_id=last_entry("review.final").pk, reviewer=reviewer)
    with pytest.raises(NotFound):
        decision_undo(project_id=project.pk, entry_id=last_entry("review.comment").pk, reviewer=reviewer)


def test_undoing_verdicts_and_dismissals(project, annotators, reviewer):
    item = contested_item(project, annotators)
    annotation = item.annotations.get(annotator=annotators[0])
    decide.annotation_verdict_set(annotation=annotation, reviewer=reviewer, verdict="accepted")
    decision_undo(project_id=project.pk, entry_id=last_entry("review.verdict").pk, reviewer=reviewer)
    assert not AnnotationReview.objects.filter(annotation=annotation).exists()
    flag = Flag.objects.filter(item=item).first()
    decide.flag_dismiss(flag=flag, reviewer=reviewer, reason="fine")
    decision_undo(project_id=project.pk, entry_id=last_entry("review.dismiss").pk, reviewer=reviewer)
    flag.refresh_from_db()
    assert (flag.status, flag.dismiss_reason) == (FlagStatus.OPEN, "")
    assert not ReviewDecision.objects.filter(item=item).exists()


def test_the_undo_page_takes_back_the_offered_decision_for_staff_only(
    project, annotators, reviewer, annotator
):
    item = contested_item(project, annotators)
    client = client_for(reviewer)
    action = reverse("review-action", kwargs={"project_id": project.pk, "item_id": item.pk, "action": "final"})
    queue_page = client.get(client.post(action, {"label": "negative"})["Location"]).content.decode()
    entry = last_entry("review.final")
    assert f'name="entry" value="{entry.pk}"' in queue_page
    assert 'role="status"' in queue_page
    assert "Final label set." in queue_page
    undo_url = reverse("review-undo", kwargs={"project_id": project.pk})
    assert client_for(annotator).post(undo_url, {"entry": entry.pk}).status_code == 403
    response = client.post(undo_url, {"entry": entry.pk})
    assert response["Location"] == reverse("review-item", kwargs={"project_id": project.pk, "item_id": item.pk})
    item.refresh_from_db()
    assert item.final_value is None
    assert "undo-toast" not in client.get(response["Location"]).content.decode()  # shown once


@pytest.mark.parametrize("action", ["final", "send-back"])
def test_after_a_final_label_or_a_send_back_the_next_item_in_the_queue_opens(
    project, annotators, reviewer, action
):
    first = contested_item(project, annotators, "ext-1")
    second = contested_item(project, annotators, "ext-2")
    order = [row.item_id for row in queue.review_queue(user=reviewer, project_id=project.pk).flags]
    current, upcoming = order
    url = reverse("review-action", kwargs={"project_id": project.pk, "item_id": current, "action": action})
    response = client_for(reviewer).post(url, {"label": "negative", "query": "reason=low_agreement"})
    target = reverse("review-item", kwargs={"project_id": project.pk, "item_id": upcoming})
    assert response["Location"] == f"{target}?reason=low_agreement"
    assert {first.pk, second.pk} == {current, upcoming}


def test_the_queue_lists_an_item_once_with_all_its_reasons(project, annotators, reviewer):
    item = contested_item(project, annotators)
    Flag.objects.create(project=project, item=item, reason="unsure", severity=0.1)
    Flag.objects.create(project=project, item=item, reason="rare_label", severity=0.99)
    page = queue.review_queue(user=reviewer, project_id=project.pk)
    assert [flag.item_id for flag in page.flags] == [item.pk]
    assert page.flags[0].reason == "rare_label"  # the most severe sets its place
    assert {flag.reason for flag in page.reasons[item.pk]} >= {"low_agreement", "unsure", "rare_label"}
    html = client_for(reviewer).get(reverse("review-queue", kwargs={"project_id": project.pk})).content.decode()
    assert html.count(f'data-item="{item.pk}"') == 1
    for words in ("Low agreement", "Unsure", "Rare label"):
        assert words in html.split(f'data-item="{item.pk}"')[1]


def test_each_annotation_shows_when_it_was_made_and_the_final_keys_are_the_hotkeys(
    project, annotators, reviewer
):
    project.schema = {
        **project.schema,
        "labels": [{"value": "positive", "hotkey": "p"}, {"value": "negative", "hotkey": "N"},
                   {"value": "neutral"}],
    }
    project.save()
    item = contested_item(project, annotators)
    url = reverse("review-item", kwargs={"project_id": project.pk, "item_id": item.pk})
    html = client_for(reviewer).get(url).content.decode()
    made = item.annotations.first().created_at.strftime("%Y-%m-%d %H:%M")
    assert html.count("<dt>Made</dt>") == 3
    assert made in html
    assert 'value="positive" data-key="p"' in html
    assert 'value="negative" data-key="n"' in html
    assert 'value="neutral" data-key=""' in html
