"""Guideline pages: role checks, acknowledgement page, side panel, editor, stale labels, gaps."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guidelines.models import Acknowledgement, GuidelineVersion
from labeling.models import Item, Membership
from review.models import Cause, DecisionAction, ReviewDecision
from tests.factories import AnnotationFactory, ItemFactory
from tests.factories_guidelines import publish

V1 = "## positive\nHappy.\n\n## negative\nSad.\n"
V2 = "## positive\nHappy.\n\n## negative\nSad <script>alert(1)</script> or angry.\n"


def url(name, project):
    return reverse(name, kwargs={"project_id": project.pk})


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.mark.parametrize(
    ("name", "lead_only"),
    [
        ("guideline", False),
        ("guideline_panel", False),
        ("guideline_ack", False),
        ("guideline_versions", False),
        ("guideline_edit", True),
        ("guideline_stale", True),
        ("guideline_gaps", True),
    ],
)
def test_pages_check_roles(name, lead_only, project, lead, annotator, outsider, client, as_user):
    publish(project, lead, V1)
    assert client.get(url(name, project)).status_code == 302  # anonymous: to the login page
    assert as_user(outsider).get(url(name, project)).status_code == 404
    assert as_user(annotator).get(url(name, project)).status_code == (403 if lead_only else 200)
    assert as_user(lead).get(url(name, project)).status_code == 200


def test_ack_page_shows_the_diff_since_my_last_acknowledgement(project, lead, annotator, as_user):
    publish(project, lead, V1)
    page = as_user(annotator).get(url("guideline_ack", project)).content.decode()
    assert (
        '<ins class="diff-block diff-added"><p class="diff-tag">Added</p><h2>positive</h2>' in page
    )
    assert "<p>Sad.</p>" in page
    assert "## negative" not in page  # rendered, not Markdown source


def test_ack_page_escapes_the_diff_text(project, lead, annotator, as_user):
    publish(project, lead, V1)
    publish(project, lead, V2)
    page = as_user(annotator).get(url("guideline_ack", project)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "alert(1)" not in page
    assert "or angry." in page


def test_acknowledging_stores_it_and_returns_to_labeling(project, lead, annotator, as_user):
    version = publish(project, lead, V1)
    response = as_user(annotator).post(url("guideline_ack", project))
    assert response.status_code == 302
    assert Acknowledgement.objects.filter(user=annotator, version=version).exists()
    assert Membership.objects.get(project=project, user=annotator).acknowledged_version == 1


def test_panel_shows_the_version_in_force_with_its_examples(project, lead, annotator, as_user):
    item = ItemFactory(project=project, is_example=True, final_value={"label": "negative"},
                       example_note="Irony is negative", data={"text": "Great, just great."})  # fmt: skip
    publish(project, lead, V1, example_item_ids=[item.pk])
    page = as_user(annotator).get(url("guideline_panel", project)).content.decode()
    assert "Guideline v1" in page
    assert "Irony is negative" in page
    assert "guideline.js" in page
    assert "<html" not in page  # a fragment, not a page


def test_lead_publishes_from_the_editor(project, lead, as_user):
    client = as_user(lead)
    response = client.post(
        url("guideline_edit", project), {"markdown": V1, "changelog": "first", "publish": "1"}
    )
    assert response.status_code == 302
    version = GuidelineVersion.objects.get(project=project)
    assert (version.number, version.changelog) == (1, "first")


def test_preview_renders_sanitised_markdown(project, lead, annotator, as_user):
    body = {"markdown": "**bold** <img src=x onerror=alert(1)>"}
    assert as_user(annotator).post(url("guideline_preview", project), body).status_code == 403
    html = as_user(lead).post(url("guideline_preview", project), body).content.decode()
    assert "<strong>bold</strong>" in html
    assert "onerror" not in html


def test_stale_page_sends_items_back(project, lead, annotator, as_user):
    publish(project, lead, V1)
    item = ItemFactory(project=project)
    AnnotationFactory(item=item, annotator=annotator, value={"label": "negative"},
                      guideline_version=1)  # fmt: skip
    publish(project, lead, V2)
    client = as_user(lead)
    assert item.external_id in client.get(url("guideline_stale", project)).content.decode()
    client.post(url("guideline_stale", project), {"selected": "1"})  # nothing ticked
    assert Item.objects.get(pk=item.pk).round == 1
    client.post(url("guideline_stale", project), {"items": [item.pk], "selected": "1"})
    assert Item.objects.get(pk=item.pk).round == 2


def test_stale_page_sends_all_back_in_one_action(project, lead, annotators, as_user):
    publish(project, lead, V1)
    items = ItemFactory.create_batch(3, project=project)
    for item in items:
        AnnotationFactory(item=item, annotator=annotators[0], value={"label": "negative"},
                          guideline_version=1)  # fmt: skip
    publish(project, lead, V2)
    as_user(lead).post(url("guideline_stale", project), {"all": "1"})
    assert sorted(Item.objects.filter(project=project).values_list("round", flat=True)) == [2, 2, 2]


def test_gap_page_lists_guideline_gap_decisions(project, lead, reviewer, as_user):
    gap, slip = ItemFactory(project=project), ItemFactory(project=project)
    for item, cause in ((gap, Cause.GUIDELINE_GAP), (slip, Cause.SLIP)):
        ReviewDecision.objects.create(project=project, item=item, reviewer=reviewer,
                                      action=DecisionAction.FINAL, cause=cause, note=f"n-{cause}")  # fmt: skip
    page = as_user(lead).get(url("guideline_gaps", project)).content.decode()
    assert "n-guideline_gap" in page
    assert "n-slip" not in page


def test_diff_page_marks_changed_words(project, lead, annotator, as_user):
    publish(project, lead, V1)
    publish(project, lead, V2)
    page = as_user(annotator).get(url("guideline_diff", project) + "?old=1&new=2").content
    assert b"<ins>" in page
    assert (
        as_user(annotator).get(url("guideline_diff", project) + "?old=1&new=9").status_code == 404
    )


def test_examples_link_to_the_item_for_staff_only(project, lead, annotator, as_user):
    item = ItemFactory(project=project, is_example=True, final_value={"label": "negative"})
    publish(project, lead, V1, example_item_ids=[item.pk])
    link = reverse("review-item", kwargs={"project_id": project.pk, "item_id": item.pk})
    assert link in as_user(lead).get(url("guideline", project)).content.decode()
    assert link not in as_user(annotator).get(url("guideline", project)).content.decode()


def test_guideline_page_points_to_the_ack_page_when_a_version_is_unread(
    project, lead, annotator, as_user
):
    publish(project, lead, V1)
    page = as_user(annotator).get(url("guideline", project)).content.decode()
    assert url("guideline_ack", project) in page
    assert (
        url("guideline_ack", project)
        not in as_user(lead).get(url("guideline", project)).content.decode()
    )


def test_example_text_and_note_are_escaped(project, lead, annotator, as_user):
    item = ItemFactory(project=project, is_example=True, final_value={"label": "negative"},
                       data={"text": "<img src=x onerror=alert(1)>"},
                       example_note="<script>alert(2)</script>")  # fmt: skip
    publish(project, lead, V1, example_item_ids=[item.pk])
    page = as_user(annotator).get(url("guideline_panel", project)).content.decode()
    assert "<script>alert(2)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(2)" in page
