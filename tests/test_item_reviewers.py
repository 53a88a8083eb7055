"""Who reviewed an item is kept (every decision), and the claim never serves it to them to label."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from labeling.assignment import engine
from labeling.exceptions import ReviewerCannotAnnotate
from labeling.models import ItemReviewer
from review.models import Flag
from review.services import decisions as decide
from review.services.flags import item_flags_refresh
from tests.factories import AnnotationFactory, ItemFactory, MembershipFactory, UserFactory

LABELS = ("positive", "negative", "neutral")


@pytest.fixture
def contested(project, annotators):
    """The project's only item: labeled three ways by its three annotators, flag raised."""
    item = ItemFactory(project=project, annotation_count=3)
    for user, label in zip(annotators, LABELS, strict=True):
        AnnotationFactory(item=item, annotator=user, value={"label": label})
    item_flags_refresh(item_id=item.pk)
    return item


def reviewers_of(item):
    return set(ItemReviewer.objects.filter(item=item).values_list("user__username", flat=True))


def test_a_reviewer_who_sent_an_item_back_is_not_served_it(project, reviewer, contested):
    decide.item_send_back(item=contested, reviewer=reviewer)
    contested.refresh_from_db()
    assert (contested.round, contested.final_reviewer_id) == (2, None)
    assert engine.next_item(project, reviewer) is None


def test_a_reviewer_who_settled_then_sent_back_is_not_served_it(project, lead, contested):
    decide.final_label_set(item=contested, reviewer=lead, value={"label": "neutral"})
    decide.item_send_back(item=contested, reviewer=lead)
    assert engine.next_item(project, lead) is None


def test_other_members_still_get_the_item_sent_back(project, reviewer, contested, annotators):
    decide.item_send_back(item=contested, reviewer=reviewer)
    assert engine.next_item(project, annotators[0]).item == contested


def test_every_review_decision_records_its_reviewer(project, contested):
    names = ("settler", "judge", "dismisser", "marker", "sender")
    users = {name: UserFactory(username=name) for name in names}
    for user in users.values():
        MembershipFactory(project=project, user=user, role="reviewer")
    decide.final_label_set(item=contested, reviewer=users["settler"], value={"label": "neutral"})
    annotation = contested.annotations.first()
    decide.annotation_verdict_set(annotation=annotation, reviewer=users["judge"], verdict="accepted")
    flag = Flag.objects.get(item=contested)
    decide.flag_dismiss(flag=flag, reviewer=users["dismisser"], reason="fine")
    decide.example_mark(item=contested, reviewer=users["marker"], note="edge")
    decide.item_send_back(item=contested, reviewer=users["sender"])
    decide.comment_add(item=contested, author=users["sender"], body="a comment decides nothing")
    assert reviewers_of(contested) == set(names)
    for user in users.values():
        assert engine.next_item(project, user) is None


def test_a_reviewer_cannot_send_an_item_back_to_themselves(api_as, project, reviewer, contested):
    url = f"/api/projects/{project.pk}/review/items/{contested.pk}/send-back"
    response = api_as(reviewer).post(url, {"annotators": [reviewer.pk]}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "reviewer_cannot_annotate"
    assert "yourself" in response.json()["detail"]
    contested.refresh_from_db()
    assert contested.round == 1


def test_an_item_cannot_be_sent_back_to_an_earlier_reviewer(project, lead, reviewer, contested):
    decide.item_send_back(item=contested, reviewer=reviewer)
    with pytest.raises(ReviewerCannotAnnotate):
        decide.item_send_back(item=contested, reviewer=lead, annotator_ids=[reviewer.pk])
    contested.refresh_from_db()
    assert contested.round == 2


def test_the_review_page_says_why_a_self_send_back_was_refused(project, reviewer, contested):
    client = Client()
    client.force_login(reviewer)
    kwargs = {"project_id": project.pk, "item_id": contested.pk}
    action = reverse("review-action", kwargs={**kwargs, "action": "send-back"})
    page = client.post(action, {"annotators": [str(reviewer.pk)]}, follow=True)
    assert page.status_code == 200
    assert "cannot send an item back to yourself" in page.content.decode()
    contested.refresh_from_db()
    assert contested.round == 1


def test_the_backfill_records_reviewers_from_review_history(project, reviewer, lead, contested):
    decide.item_send_back(item=contested, reviewer=reviewer)
    decide.final_label_set(item=contested, reviewer=lead, value={"label": "neutral"})
    ItemReviewer.objects.all().delete()
    migration = importlib.import_module("review.migrations.0002_backfill_item_reviewers")
    migration.backfill(apps, None)
    assert reviewers_of(contested) == {"reviewer", "lead"}
