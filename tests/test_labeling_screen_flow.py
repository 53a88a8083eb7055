"""The labeling screen's server side (issue 16): hotkey clashes refused, sent-back items marked
with the reviewer's note, the Skipped list and its reopen, a relabel keeping the earlier value
in the audit trail, and the edit page going back to labeling."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from labeling.assignment import engine
from labeling.exceptions import AssignmentClosed, SchemaError
from labeling.models import Annotation, AssignmentStatus, AuditEntry
from labeling.schema import schema_validate
from labeling.selectors_annotator import skipped_list
from labeling.services import annotation_submit, assignment_skip
from labeling.services.skipped import skipped_reclaim
from review.services import decisions as decide
from tests.factories import SINGLE_SCHEMA, AnnotationFactory, ItemFactory, project_creator

pytestmark = pytest.mark.django_db


def schema_with(*hotkeys):
    labels = [{"value": f"label{n}", "hotkey": key} for n, key in enumerate(hotkeys)]
    return {"kind": "single", "data": "text", "labels": labels}


@pytest.mark.parametrize("key", ["s", "U", "a", "z", "C", "?"])
def test_a_hotkey_the_screen_keeps_for_itself_is_refused(key):
    with pytest.raises(SchemaError, match="labeling screen's key"):
        schema_validate(schema_with("1", key))


def test_hotkeys_that_differ_only_in_case_clash():
    with pytest.raises(SchemaError, match="used twice"):
        schema_validate(schema_with("p", "P"))


def test_free_hotkeys_pass():
    assert [label["hotkey"] for label in schema_validate(schema_with("1", "p", "N"))["labels"]] == ["1", "p", "N"]


def test_the_settings_page_shows_a_clash_beside_the_labels(project, lead):
    client = Client()
    client.force_login(lead)
    url = reverse("lead-settings", kwargs={"project_id": project.pk})
    form = client.get(url).context["form"]
    data = {name: field.initial if field.initial is not None else "" for name, field in form.fields.items()}
    data.update({key: value for key, value in form.initial.items() if value is not None})
    data.update(
        {"labels-TOTAL_FORMS": "2", "labels-INITIAL_FORMS": "0", "labels-0-value": "good",
         "labels-0-hotkey": "1", "labels-1-value": "bad", "labels-1-hotkey": "s"}
    )
    response = client.post(url, data)
    assert response.status_code in (200, 400)
    assert "is the labeling screen&#x27;s key for skip" in response.content.decode()
    project.refresh_from_db()
    assert all(label.get("hotkey") != "s" for label in project.schema["labels"])


def test_the_api_refuses_a_clashing_hotkey():
    client = APIClient()
    client.force_authenticate(project_creator("maker"))
    schema = {**SINGLE_SCHEMA, "labels": [{"value": "good", "hotkey": "a"}]}
    response = client.post("/api/projects", {"name": "Clash", "schema": schema}, format="json")
    assert response.status_code == 400
    assert "accept the suggestion" in response.content.decode()


def sent_back_item(project, annotators, reviewer):
    item = ItemFactory(project=project, data={"text": "Fine, I guess."})
    for user, label in zip(annotators, ("positive", "negative", "neutral"), strict=True):
        AnnotationFactory(item=item, annotator=user, value={"label": label})
    decide.item_send_back(
        item=item, reviewer=reviewer, annotator_ids=[annotators[0].pk], note="Read the <b>last</b> clause"
    )
    return item


def test_a_sent_back_item_arrives_with_the_round_the_note_and_my_earlier_label(
    project, annotators, reviewer
):
    item = sent_back_item(project, annotators, reviewer)
    client = APIClient()
    client.force_authenticate(annotators[0])
    body = client.post(f"/api/projects/{project.pk}/next", {}, format="json").json()
    assert body["item"]["id"] == item.pk
    assert body["item"]["sent_back"] == {
        "round": 2, "reason": "review", "note": "Read the <b>last</b> clause", "earlier": "positive",
    }


def test_a_first_round_item_carries_no_sent_back_mark(project, annotator):
    ItemFactory(project=project)
    client = APIClient()
    client.force_authenticate(annotator)
    body = client.post(f"/api/projects/{project.pk}/next", {}, format="json").json()
    assert body["item"]["sent_back"] is None


def test_a_relabel_after_send_back_keeps_the_earlier_value_in_the_audit_trail(
    project, annotators, reviewer
):
    item = sent_back_item(project, annotators, reviewer)
    lease = engine.next_item(project, annotators[0])
    assert lease.item_id == item.pk
    annotation_submit(assignment_id=lease.pk, user=annotators[0], value={"label": "negative"})
    entry = AuditEntry.objects.get(action="annotation.relabel")
    assert entry.before["value"] == {"label": "positive"}
    assert entry.before["round"] == 1
    assert entry.after["value"] == {"label": "negative"}
    assert entry.after["round"] == 2
    review_page = Client()
    review_page.force_login(reviewer)
    url = reverse("review-item", kwargs={"project_id": project.pk, "item_id": item.pk})
    assert "annotation.relabel" in review_page.get(url).content.decode()


def test_skipped_items_are_listed_once_and_reopen_on_request(project, annotator):
    first, second = ItemFactory(project=project), ItemFactory(project=project)
    for _ in range(2):
        lease = engine.next_item(project, annotator)
        assignment_skip(assignment_id=lease.pk, user=annotator)
    assert engine.next_item(project, annotator) is None  # both kept away for SKIP_MEMORY
    assert {row.item.pk for row in skipped_list(user=annotator, project_id=project.pk)} == {
        first.pk, second.pk,
    }
    lease = skipped_reclaim(project_id=project.pk, user=annotator, item_id=second.pk)
    assert lease.status == AssignmentStatus.ACTIVE
    assert engine.next_item(project, annotator).pk == lease.pk
    annotation_submit(assignment_id=lease.pk, user=annotator, value={"label": "positive"})
    assert [row.item.pk for row in skipped_list(user=annotator, project_id=project.pk)] == [first.pk]


def test_a_skipped_item_that_filled_up_meanwhile_cannot_be_reopened(project, annotators):
    project.overlap = 2
    project.save()
    item = ItemFactory(project=project)
    lease = engine.next_item(project, annotators[0])
    assignment_skip(assignment_id=lease.pk, user=annotators[0])
    for user in annotators[1:]:
        AnnotationFactory(item=item, annotator=user)
    with pytest.raises(AssignmentClosed):
        skipped_reclaim(project_id=project.pk, user=annotators[0], item_id=item.pk)


def test_the_skipped_page_lists_my_skips_and_its_button_opens_the_labeling_screen(project, annotator):
    item = ItemFactory(project=project, external_id="ext-<i>", data={"text": "<script>x</script>"})
    lease = engine.next_item(project, annotator)
    assignment_skip(assignment_id=lease.pk, user=annotator)
    client = Client()
    client.force_login(annotator)
    html = client.get(reverse("annotate_skipped", kwargs={"project_id": project.pk})).content.decode()
    assert f'data-item="{item.pk}"' in html
    assert "&lt;script&gt;" in html
    assert "<script>x" not in html
    reopen = reverse("annotate_skipped_reopen", kwargs={"project_id": project.pk, "item_id": item.pk})
    response = client.post(reopen)
    assert response["Location"] == reverse("annotate", kwargs={"project_id": project.pk})
    assert engine.next_item(project, annotator).item_id == item.pk


def test_the_edit_page_opened_from_labeling_goes_back_to_labeling(project, annotator):
    annotation = AnnotationFactory(item=ItemFactory(project=project), annotator=annotator)
    client = Client()
    client.force_login(annotator)
    url = reverse("annotate_edit", kwargs={"project_id": project.pk, "annotation_id": annotation.pk})
    page = client.get(url + "?from=annotate").content.decode()
    assert "Change my previous label" in page
    assert "autofocus" in page
    response = client.post(url + "?from=annotate", {"label": "neutral"})
    assert response["Location"] == reverse("annotate", kwargs={"project_id": project.pk})
    assert Annotation.objects.get(pk=annotation.pk).value == {"label": "neutral"}
    plain = client.post(url, {"label": "negative"})
    assert plain["Location"] == reverse("annotate_history", kwargs={"project_id": project.pk})
