"""The annotator API: roles x status codes, no peer leak, submit/skip/release, history edits."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from labeling import events
from labeling.models import Annotation, Assignment, AssignmentStatus, AuditEntry, Item
from tests.factories import AnnotationFactory, AssignmentFactory, ItemFactory, PredictionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(project):
    return ItemFactory(
        project=project,
        data={"text": "Loved it."},
        is_gold=True,
        gold_value={"label": "positive"},
        aggregate_value={"label": "negative"},
    )


def claim(api_as, user, project):
    response = api_as(user).post(f"/api/projects/{project.pk}/next")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize(
    ("who", "code"),
    [("anonymous", 401), ("outsider", 404), ("annotator", 200), ("reviewer", 200), ("lead", 200)],
)
def test_next_answers_each_role(request, api, api_as, project, item, who, code):
    users = {name: request.getfixturevalue(name) for name in ("outsider", "annotator", "reviewer", "lead")}
    client = api if who == "anonymous" else api_as(users[who])
    response = client.post(f"/api/projects/{project.pk}/next")
    assert response.status_code == code


def test_next_returns_204_when_the_annotator_is_done(api_as, project, annotator):
    response = api_as(annotator).post(f"/api/projects/{project.pk}/next")
    assert response.status_code == 204


def test_next_answers_409_until_the_guideline_is_acknowledged(api_as, project, item, annotator):
    project.guideline_version = 1
    project.save()
    response = api_as(annotator).post(f"/api/projects/{project.pk}/next")
    assert response.status_code == 409
    assert response.json()["code"] == "guideline_ack_required"


def test_item_payload_never_leaks_peer_labels_aggregate_or_gold(api_as, project, item, annotators):
    AnnotationFactory(item=item, annotator=annotators[1], value={"label": "negative"}, comment="peer")
    PredictionFactory(item=item, value={"label": "neutral"})
    body = claim(api_as, annotators[0], project)
    assert body["item"]["data"] == {"text": "Loved it."}
    assert body["item"]["suggestion"] is None
    text = json.dumps(body)
    for secret in ("negative", "neutral", "gold", "aggregate", "peer", "annotator2"):
        assert secret not in text


def test_item_payload_carries_the_suggestion_when_a_prelabel_is_shown(api_as, project, item, annotator):
    project.show_prelabels = True
    project.save()
    PredictionFactory(item=item, value={"label": "neutral"}, score=0.7)
    body = claim(api_as, annotator, project)
    assert body["assignment"]["prelabel_shown"] is True
    assert body["item"]["suggestion"]["value"] == {"label": "neutral"}
    assert body["item"]["suggestion"]["text"] == "neutral"


def test_submit_stores_the_annotation_and_flags_the_item_for_review(api_as, project, item, annotator, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(events, "enqueue", lambda name, args, **_: sent.append((name, json.loads(json.dumps(args)))))
    project.guideline_version = 3
    project.save()
    annotator.memberships.update(acknowledged_version=3)
    body = claim(api_as, annotator, project)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(annotator).post(
            f"/api/assignments/{body['assignment']['id']}/submit",
            {"value": {"label": "positive"}, "lead_time_ms": 1500, "unsure": True, "comment": "hm"},
            format="json",
        )
    assert response.status_code == 200
    annotation = Annotation.objects.get(item=item, annotator=annotator)
    assert (annotation.value, annotation.lead_time_ms, annotation.unsure) == ({"label": "positive"}, 1500, True)
    assert (annotation.guideline_version, annotation.round, annotation.comment) == (3, 1, "hm")
    stored = Item.objects.get(pk=item.pk)
    assert (stored.annotation_count, stored.recompute_pending) == (1, True)
    assert Assignment.objects.get(pk=body["assignment"]["id"]).status == AssignmentStatus.SUBMITTED
    assert sent == [(events.ITEMS_PENDING, [project.pk])]


def test_submit_rejects_a_value_outside_the_schema_and_stores_nothing(api_as, project, item, annotator):
    body = claim(api_as, annotator, project)
    response = api_as(annotator).post(
        f"/api/assignments/{body['assignment']['id']}/submit", {"value": {"label": "maybe"}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_value"
    assert not Annotation.objects.exists()


def test_submit_twice_is_a_conflict(api_as, project, item, annotator):
    body = claim(api_as, annotator, project)
    url = f"/api/assignments/{body['assignment']['id']}/submit"
    assert api_as(annotator).post(url, {"value": {"label": "positive"}}, format="json").status_code == 200
    second = api_as(annotator).post(url, {"value": {"label": "negative"}}, format="json")
    assert second.status_code == 409
    assert Annotation.objects.get().value == {"label": "positive"}


@pytest.mark.parametrize("action", ["submit", "skip", "release"])
def test_assignment_actions_hide_other_peoples_assignments(api, api_as, project, item, annotators, outsider, action):
    body = claim(api_as, annotators[0], project)
    url = f"/api/assignments/{body['assignment']['id']}/{action}"
    payload = {"value": {"label": "positive"}}
    assert api.post(url, payload, format="json").status_code == 401
    assert api_as(annotators[1]).post(url, payload, format="json").status_code == 404
    assert api_as(outsider).post(url, payload, format="json").status_code == 404
    assert api_as(annotators[0]).post(url, payload, format="json").status_code == 200


def test_submit_on_a_lapsed_lease_is_stored_while_the_slot_is_free(api_as, project, item, annotator):
    lapsed = AssignmentFactory(item=item, annotator=annotator, expires_at=timezone.now() - timedelta(minutes=5))
    response = api_as(annotator).post(
        f"/api/assignments/{lapsed.pk}/submit", {"value": {"label": "positive"}}, format="json"
    )
    assert response.status_code == 200
    assert Annotation.objects.filter(annotator=annotator).count() == 1


def test_submit_on_a_lapsed_lease_whose_slot_was_taken_is_a_conflict(api_as, project, item, annotators):
    project.overlap = 1
    project.save()
    lapsed = AssignmentFactory(item=item, annotator=annotators[0], expires_at=timezone.now() - timedelta(minutes=5))
    claim(api_as, annotators[1], project)
    response = api_as(annotators[0]).post(
        f"/api/assignments/{lapsed.pk}/submit", {"value": {"label": "positive"}}, format="json"
    )
    assert response.status_code == 409
    assert not Annotation.objects.exists()


def test_skip_records_the_skip_and_gives_the_next_item(api_as, project, annotator):
    first, second = ItemFactory(project=project), ItemFactory(project=project)
    body = claim(api_as, annotator, project)
    response = api_as(annotator).post(f"/api/assignments/{body['assignment']['id']}/skip")
    assert response.json()["assignment"]["status"] == "skipped"
    assert claim(api_as, annotator, project)["item"]["id"] == second.pk
    assert body["item"]["id"] == first.pk


def test_history_lists_only_my_annotations(api, api_as, project, annotators, outsider):
    mine = AnnotationFactory(item=ItemFactory(project=project), annotator=annotators[0])
    AnnotationFactory(item=mine.item, annotator=annotators[1])
    url = f"/api/projects/{project.pk}/history"
    assert api.get(url).status_code == 401
    assert api_as(outsider).get(url).status_code == 404
    body = api_as(annotators[0]).get(url).json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    assert body["results"][0]["editable"] is True


def test_progress_reports_done_and_remaining(api_as, project, annotator):
    ItemFactory(project=project)
    AnnotationFactory(item=ItemFactory(project=project), annotator=annotator)
    body = api_as(annotator).get(f"/api/projects/{project.pk}/progress").json()
    assert body == {"done": 1, "remaining": 1, "remaining_more": False}


def test_an_annotator_edits_their_own_annotation_until_it_is_settled(api_as, project, annotator, reviewer):
    annotation = AnnotationFactory(item=ItemFactory(project=project), annotator=annotator)
    url = f"/api/annotations/{annotation.pk}"
    response = api_as(annotator).patch(url, {"value": {"label": "negative"}, "unsure": True}, format="json")
    assert response.status_code == 200
    annotation.refresh_from_db()
    assert (annotation.value, annotation.unsure) == ({"label": "negative"}, True)
    assert AuditEntry.objects.filter(action="annotation.edit", target_id=str(annotation.pk)).exists()
    Item.objects.filter(pk=annotation.item_id).update(final_value={"label": "neutral"}, final_reviewer=reviewer)
    settled = api_as(annotator).patch(url, {"value": {"label": "positive"}}, format="json")
    assert settled.status_code == 409
    assert settled.json()["code"] == "annotation_settled"
    annotation.refresh_from_db()
    assert annotation.value == {"label": "negative"}


def test_nobody_edits_someone_elses_annotation(api, api_as, project, annotators, lead):
    annotation = AnnotationFactory(item=ItemFactory(project=project), annotator=annotators[0])
    url = f"/api/annotations/{annotation.pk}"
    assert api.patch(url, {"value": {"label": "negative"}}, format="json").status_code == 401
    assert api_as(annotators[1]).patch(url, {"value": {"label": "negative"}}, format="json").status_code == 404
    assert api_as(lead).patch(url, {"value": {"label": "negative"}}, format="json").status_code == 404
    annotation.refresh_from_db()
    assert annotation.value == {"label": "positive"}


def test_an_edit_with_an_invalid_value_is_refused(api_as, project, annotator):
    annotation = AnnotationFactory(item=ItemFactory(project=project), annotator=annotator)
    response = api_as(annotator).patch(f"/api/annotations/{annotation.pk}", {"value": {"label": "x"}}, format="json")
    assert response.status_code == 400


def test_next_ahead_gives_a_second_item_to_prefetch(api_as, project, annotator):
    ItemFactory(project=project), ItemFactory(project=project)
    client = api_as(annotator)
    current = client.post(f"/api/projects/{project.pk}/next").json()
    ahead = client.post(f"/api/projects/{project.pk}/next", {"ahead": True}, format="json").json()
    assert ahead["item"]["id"] != current["item"]["id"]
    assert client.post(f"/api/projects/{project.pk}/next").json()["assignment"]["id"] == current["assignment"]["id"]
