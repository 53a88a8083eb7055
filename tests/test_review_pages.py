"""Review pages: the queue and the item view, their roles, escaping and form actions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from labeling.models import AuditEntry
from review.models import AnnotationReview, Flag, FlagStatus, ItemComment
from review.services.flags import item_flags_refresh
from tests.factories import RATING_SCHEMA, AnnotationFactory, ItemFactory

LABELS = ("positive", "negative", "neutral")


@pytest.fixture
def contested(project, annotators):
    item = ItemFactory(project=project, data={"text": "<script>alert('x')</script> meh"})
    for user, label in zip(annotators, LABELS, strict=True):
        AnnotationFactory(
            item=item,
            annotator=user,
            value={"label": label},
            lead_time_ms=2500,
            comment="<b>unsure</b>" if label == "neutral" else "",
        )
    item_flags_refresh(item_id=item.pk)
    return item


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page_urls(item):
    return [
        reverse("review-queue", kwargs={"project_id": item.project_id}),
        reverse("review-item", kwargs={"project_id": item.project_id, "item_id": item.pk}),
    ]


def action_url(item, action):
    return reverse(
        "review-action",
        kwargs={"project_id": item.project_id, "item_id": item.pk, "action": action},
    )


def test_anonymous_visitors_are_sent_to_the_login_page(contested):
    for url in page_urls(contested):
        response = client_for().get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_outsiders_get_404_and_annotators_403_on_every_review_page(contested, outsider, annotator):
    for url in page_urls(contested):
        assert client_for(outsider).get(url).status_code == 404
        assert client_for(annotator).get(url).status_code == 403
    for action in ("final", "verdict", "send-back", "dismiss", "comment", "example"):
        response = client_for(annotator).post(action_url(contested, action), {"body": "x"})
        assert response.status_code == 403
    assert not ItemComment.objects.exists()


def test_the_queue_shows_counts_and_the_contested_item(contested, reviewer):
    response = client_for(reviewer).get(page_urls(contested)[0])
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-item="{contested.pk}" data-reason="low_agreement"' in html
    assert '<span class="n">1</span> Low agreement' in html
    assert "Guideline gap" in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_the_queue_filters_by_reason(contested, reviewer):
    url = page_urls(contested)[0]
    html = client_for(reviewer).get(url, {"reason": "gold_miss"}).content.decode()
    assert f'data-item="{contested.pk}"' not in html
    assert "Nothing to review here" in html


def test_the_item_view_shows_every_annotation_side_by_side_escaped(contested, lead):
    response = client_for(lead).get(page_urls(contested)[1])
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("annotator1", "annotator2", "annotator3"):
        assert f'aria-label="Annotation by {name}"' in html
    assert html.count('class="value"') == 3
    assert "2.5 s" in html
    assert "&lt;b&gt;unsure&lt;/b&gt;" in html
    assert "<script>alert" not in html
    assert 'id="final-form"' in html
    assert 'data-key="1"' in html


def test_setting_the_final_label_from_the_form_settles_the_item(contested, reviewer):
    client = client_for(reviewer)
    response = client.post(action_url(contested, "final"), {"label": "negative", "cause": "slip"})
    assert response.status_code == 302
    contested.refresh_from_db()
    assert contested.final_value == {"label": "negative"}
    assert set(Flag.objects.filter(item=contested).values_list("status", flat=True)) == {
        FlagStatus.RESOLVED
    }
    # No other item is queued: the queue opens, saying "All done", with the Undo toast.
    assert response["Location"] == page_urls(contested)[0]
    html = client.get(response["Location"]).content.decode()
    assert "Final label set." in html
    assert 'id="undo-toast"' in html
    assert "All done" in html
    assert "review.final" in client.get(page_urls(contested)[1]).content.decode()


def test_an_invalid_final_label_comes_back_as_a_message(contested, reviewer):
    response = client_for(reviewer).post(
        action_url(contested, "final"), {"label": "bogus"}, follow=True
    )
    contested.refresh_from_db()
    assert contested.final_value is None
    assert b"bogus" in response.content


def test_form_actions_verdict_comment_dismiss_example_and_send_back(
    contested, reviewer, annotators
):
    client = client_for(reviewer)
    annotation = contested.annotations.get(annotator=annotators[0])
    client.post(
        action_url(contested, "verdict"),
        {"annotation": annotation.pk, "verdict": "accepted", "comment": "good <catch>"},
    )
    client.post(action_url(contested, "comment"), {"body": "hmm"})
    flag = Flag.objects.get(item=contested, reason="low_agreement")
    client.post(action_url(contested, "dismiss"), {"flag": flag.pk, "reason": "ok"})
    client.post(action_url(contested, "example"), {"note": "edge case", "is_example": "1"})
    client.post(action_url(contested, "send-back"), {"annotators": [str(annotators[2].pk)]})
    contested.refresh_from_db()
    review = AnnotationReview.objects.get(annotation=annotation)
    assert (review.verdict, review.comment) == ("accepted", "good <catch>")
    page = client.get(page_urls(contested)[1]).content.decode()
    assert 'value="good &lt;catch&gt;"' in page
    assert ItemComment.objects.get(item=contested).body == "hmm"
    assert Flag.objects.get(pk=flag.pk).status == FlagStatus.DISMISSED
    assert (contested.is_example, contested.round, contested.reopened_for) == (
        True,
        2,
        [annotators[2].pk],
    )
    assert AuditEntry.objects.filter(actor=reviewer).count() == 5


def test_j_and_k_links_walk_the_queue_in_severity_then_id_order(project, annotators, reviewer):
    items = []
    for _ in range(2):
        item = ItemFactory(project=project)
        for user, label in zip(annotators, LABELS, strict=True):
            AnnotationFactory(item=item, annotator=user, value={"label": label})
        item_flags_refresh(item_id=item.pk)
        items.append(item)
    first, second = items
    html = client_for(reviewer).get(page_urls(first)[1]).content.decode()
    assert (
        f'id="next-item" rel="next" href="/projects/{project.pk}/review/items/{second.pk}/"' in html
    )
    assert 'id="prev-item"' not in html


def test_the_home_page_links_reviewers_to_the_queue_but_not_annotators(
    contested, reviewer, annotator
):
    url = reverse("review-queue", kwargs={"project_id": contested.project_id})
    assert url in client_for(reviewer).get("/").content.decode()
    assert url not in client_for(annotator).get("/").content.decode()


def test_a_rating_item_is_settled_with_any_value_on_the_scale(reviewer, project):
    project.schema = RATING_SCHEMA
    project.save()
    item = ItemFactory(project=project)
    html = client_for(reviewer).get(page_urls(item)[1]).content.decode()
    assert 'data-key="5"' in html
    client_for(reviewer).post(action_url(item, "final"), {"label": "4"})
    item.refresh_from_db()
    assert item.final_value == {"rating": 4}


def test_a_spans_item_takes_its_final_value_from_the_editors_hidden_field(reviewer, project):
    project.schema = {
        "kind": "spans",
        "data": "text",
        "labels": [{"value": "PER"}],
        "settings": {"overlap": 3, "aggregation": "majority"},
    }
    project.save()
    item = ItemFactory(project=project, data={"text": "Ada Lovelace wrote it."})
    html = client_for(reviewer).get(page_urls(item)[1]).content.decode()
    # No JSON to type: the regions editor (regions/settle.js) fills the hidden field.
    assert 'id="value-json"' not in html
    assert 'id="settle-value"' in html
    value = '{"spans": [{"start": 0, "end": 12, "label": "PER"}]}'
    client_for(reviewer).post(action_url(item, "final"), {"value_json": value})
    item.refresh_from_db()
    assert item.final_value == {"spans": [{"start": 0, "end": 12, "label": "PER"}]}


def test_guideline_gap_items_are_listed_on_the_queue_for_the_lead(contested, reviewer, lead):
    client_for(reviewer).post(
        action_url(contested, "final"),
        {"label": "neutral", "cause": "guideline_gap", "note": "sarcasm <not> covered"},
    )
    html = client_for(lead).get(page_urls(contested)[0]).content.decode()
    assert "material for the next guideline version" in html
    assert f"{contested.external_id}</a>" in html
    assert "sarcasm &lt;not&gt; covered" in html
    assert '<span class="n">1</span> Guideline gap' in html
