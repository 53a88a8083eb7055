"""Review API: every endpoint against every role, decisions with their audit entries."""

from __future__ import annotations

import csv
import io
import json

import pytest

from labeling.models import AuditEntry, Role
from review.models import AnnotationReview, Flag, FlagStatus, ItemComment, ReviewDecision
from review.selectors.outcomes import annotation_outcomes
from review.services.flags import item_flags_refresh
from tests.factories import AnnotationFactory, ItemFactory, MembershipFactory

LABELS = ("positive", "negative", "neutral")


@pytest.fixture
def contested(project, annotators):
    """An item three annotators labeled three ways, with its low-agreement flag raised."""
    item = ItemFactory(project=project, data={"text": "It was <b>fine</b>, I guess."})
    for user, label in zip(annotators, LABELS, strict=True):
        AnnotationFactory(item=item, annotator=user, value={"label": label}, lead_time_ms=1500)
    item_flags_refresh(item_id=item.pk)
    return item


def endpoints(item):
    """(method, url, body, success status) for every review endpoint."""
    p, i = item.project_id, item.pk
    annotation = item.annotations.order_by("id").first()
    flag = Flag.objects.get(item=item, reason="low_agreement")
    base = f"/api/projects/{p}"
    return {
        "flags": ("get", f"{base}/flags?reason=low_agreement", None, 200),
        "summary": ("get", f"{base}/review/summary", None, 200),
        "item": ("get", f"{base}/review/items/{i}", None, 200),
        "audit": ("get", f"{base}/audit", None, 200),
        "final": (
            "post",
            f"{base}/review/items/{i}/final",
            {"value": {"label": "negative"}, "cause": "ambiguous"},
            201,
        ),
        "verdict": (
            "post",
            f"{base}/review/annotations/{annotation.pk}/verdict",
            {"verdict": "accepted"},
            201,
        ),
        "send_back": ("post", f"{base}/review/items/{i}/send-back", {"note": "again"}, 201),
        "dismiss": ("post", f"{base}/flags/{flag.pk}/dismiss", {"reason": "fine as is"}, 200),
        "comment": ("post", f"{base}/review/items/{i}/comments", {"body": "look"}, 201),
        "example": ("post", f"{base}/review/items/{i}/example", {"note": "good case"}, 200),
    }


ENDPOINTS = (
    "flags",
    "summary",
    "item",
    "audit",
    "final",
    "verdict",
    "send_back",
    "dismiss",
    "comment",
    "example",
)


def call(client, method, url, body):
    return client.get(url) if method == "get" else client.post(url, body, format="json")


@pytest.mark.parametrize("name", ENDPOINTS)
def test_anonymous_requests_get_401(api, contested, name):
    method, url, body, _ = endpoints(contested)[name]
    assert call(api, method, url, body).status_code == 401


@pytest.mark.parametrize("name", ENDPOINTS)
def test_outsiders_get_404(api_as, outsider, contested, name):
    method, url, body, _ = endpoints(contested)[name]
    assert call(api_as(outsider), method, url, body).status_code == 404


@pytest.mark.parametrize("name", ENDPOINTS)
def test_annotators_get_403_on_every_review_endpoint(api_as, annotator, contested, name):
    method, url, body, _ = endpoints(contested)[name]
    response = call(api_as(annotator), method, url, body)
    assert response.status_code == 403
    assert not ReviewDecision.objects.exists()


@pytest.mark.parametrize("name", ENDPOINTS)
@pytest.mark.parametrize("role", ["reviewer", "lead"])
def test_reviewers_and_leads_succeed(api_as, request, contested, name, role):
    user = request.getfixturevalue(role)
    method, url, body, expected = endpoints(contested)[name]
    response = call(api_as(user), method, url, body)
    assert response.status_code == expected, response.content


def test_the_flag_list_is_sorted_by_severity_and_filtered_by_reason(
    api_as, reviewer, project, contested
):
    calm = ItemFactory(project=project)
    for i, label in enumerate(("positive", "positive", "negative")):
        AnnotationFactory(
            item=calm,
            annotator=MembershipFactory(project=project).user,
            value={"label": label},
            unsure=i == 0,
        )
    item_flags_refresh(item_id=calm.pk)
    body = api_as(reviewer).get(f"/api/projects/{project.pk}/flags").json()
    severities = [row["severity"] for row in body["results"]]
    assert severities == sorted(severities, reverse=True)
    assert {row["reason"] for row in body["results"]} == {"low_agreement", "unsure"}
    only = api_as(reviewer).get(f"/api/projects/{project.pk}/flags?reason=unsure").json()
    assert [row["item"] for row in only["results"]] == [calm.pk]


def test_the_flag_list_pages_by_cursor(api_as, reviewer, project, annotators):
    for _ in range(3):
        item = ItemFactory(project=project)
        for user, label in zip(annotators, LABELS, strict=True):
            AnnotationFactory(item=item, annotator=user, value={"label": label})
        item_flags_refresh(item_id=item.pk)
    from review.selectors.queue import review_queue

    first = review_queue(user=reviewer, project_id=project.pk, limit=2)
    second = review_queue(user=reviewer, project_id=project.pk, cursor=first.next_cursor, limit=2)
    seen = [f.pk for f in first.flags] + [f.pk for f in second.flags]
    assert len(seen) == len(set(seen)) == 3
    assert second.next_cursor is None


def test_a_reviewer_cannot_review_an_item_they_annotated(api_as, project, contested):
    own = MembershipFactory(project=project, role=Role.REVIEWER).user
    AnnotationFactory(item=contested, annotator=own, value={"label": "positive"})
    response = api_as(own).post(
        f"/api/projects/{project.pk}/review/items/{contested.pk}/final",
        {"value": {"label": "positive"}},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "own_item"
    contested.refresh_from_db()
    assert contested.final_value is None


def test_a_final_label_is_validated_against_the_schema(api_as, reviewer, project, contested):
    url = f"/api/projects/{project.pk}/review/items/{contested.pk}/final"
    response = api_as(reviewer).post(url, {"value": {"label": "sarcastic"}}, format="json")
    assert response.status_code == 400
    assert not ReviewDecision.objects.exists()


def test_setting_the_final_label_resolves_flags_and_is_audited(
    api_as, reviewer, project, contested, annotators
):
    url = f"/api/projects/{project.pk}/review/items/{contested.pk}/final"
    response = api_as(reviewer).post(
        url,
        {"value": {"label": "neutral"}, "cause": "guideline_gap", "note": "not covered"},
        format="json",
    )
    assert response.status_code == 201
    contested.refresh_from_db()
    assert contested.final_value == {"label": "neutral"}
    assert contested.final_reviewer == reviewer
    assert not Flag.objects.filter(item=contested, status=FlagStatus.OPEN).exists()
    entry = AuditEntry.objects.get(action="review.final", target_id=str(contested.pk))
    assert entry.actor == reviewer
    assert entry.before["final_value"] is None
    assert entry.after["final_value"] == {"label": "neutral"}
    summary = api_as(reviewer).get(f"/api/projects/{project.pk}/review/summary").json()
    assert summary["causes"]["guideline_gap"] == 1
    assert summary["guideline_gaps"][0]["item"] == contested.pk
    outcomes = annotation_outcomes(
        user=annotators[0], annotation_ids=contested.annotations.values_list("pk", flat=True)
    )
    assert list(outcomes.values()) == [
        {"verdict": None, "comment": "", "final_value": {"label": "neutral"}, "corrected": True}
    ]


def test_a_verdict_replaces_the_previous_one_and_records_both_states(
    api_as, reviewer, project, contested
):
    annotation = contested.annotations.order_by("id").first()
    url = f"/api/projects/{project.pk}/review/annotations/{annotation.pk}/verdict"
    api_as(reviewer).post(url, {"verdict": "accepted"}, format="json")
    api_as(reviewer).post(url, {"verdict": "rejected", "comment": "misread"}, format="json")
    assert AnnotationReview.objects.get(annotation=annotation).verdict == "rejected"
    last = AuditEntry.objects.filter(action="review.verdict").last()
    assert (last.before, last.after) == (
        {"verdict": "accepted", "comment": ""},
        {"verdict": "rejected", "comment": "misread"},
    )


def test_sending_back_opens_a_new_round_for_chosen_annotators(
    api_as, reviewer, project, contested, annotators
):
    url = f"/api/projects/{project.pk}/review/items/{contested.pk}/send-back"
    response = api_as(reviewer).post(url, {"annotators": [annotators[1].pk]}, format="json")
    assert response.status_code == 201
    contested.refresh_from_db()
    assert (contested.round, contested.reopened_for) == (2, [annotators[1].pk])
    assert Flag.objects.get(item=contested).status == FlagStatus.IN_REVIEW
    entry = AuditEntry.objects.get(action="review.send_back")
    assert (entry.before["round"], entry.after["round"]) == (1, 2)


def test_sending_back_to_a_non_member_is_refused(api_as, reviewer, project, contested, outsider):
    url = f"/api/projects/{project.pk}/review/items/{contested.pk}/send-back"
    response = api_as(reviewer).post(url, {"annotators": [outsider.pk]}, format="json")
    assert response.status_code == 400
    contested.refresh_from_db()
    assert contested.round == 1


def test_dismissing_needs_a_reason_and_keeps_it(api_as, reviewer, project, contested):
    flag = Flag.objects.get(item=contested)
    url = f"/api/projects/{project.pk}/flags/{flag.pk}/dismiss"
    assert api_as(reviewer).post(url, {"reason": ""}, format="json").status_code == 400
    api_as(reviewer).post(url, {"reason": "sarcasm is neutral here"}, format="json")
    flag.refresh_from_db()
    assert (flag.status, flag.dismiss_reason) == ("dismissed", "sarcasm is neutral here")
    assert AuditEntry.objects.get(action="review.dismiss").before["status"] == "open"


def test_comments_and_examples_land_on_the_item(api_as, lead, project, contested):
    base = f"/api/projects/{project.pk}/review/items/{contested.pk}"
    api_as(lead).post(f"{base}/comments", {"body": "<script>x</script>"}, format="json")
    api_as(lead).post(f"{base}/example", {"note": "classic sarcasm"}, format="json")
    contested.refresh_from_db()
    assert (contested.is_example, contested.example_note) == (True, "classic sarcasm")
    assert ItemComment.objects.get(item=contested).body == "<script>x</script>"
    detail = api_as(lead).get(base).json()
    assert [c["body"] for c in detail["comments"]] == ["<script>x</script>"]
    assert {a["action"] for a in detail["audit"]} >= {"review.comment", "review.example"}
    assert len(detail["annotations"]) == 3


def test_the_audit_log_exports_as_jsonl_and_csv(api_as, lead, project, contested):
    api_as(lead).post(
        f"/api/projects/{project.pk}/review/items/{contested.pk}/final",
        {"value": {"label": "positive"}},
        format="json",
    )
    jsonl = api_as(lead).get(f"/api/projects/{project.pk}/audit?format=jsonl")
    assert jsonl.status_code == 200
    lines = [json.loads(line) for line in b"".join(jsonl.streaming_content).splitlines()]
    assert lines[-1]["action"] == "review.final"
    assert lines[-1]["after"]["final_value"] == {"label": "positive"}
    exported = api_as(lead).get(f"/api/projects/{project.pk}/audit?format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert rows[-1]["action"] == "review.final"
    assert json.loads(rows[-1]["before"])["final_value"] is None


def test_the_flag_list_filters_by_label_annotator_and_guideline_version(
    api_as, reviewer, project, annotators
):
    items = []
    for version, aggregate in ((1, "positive"), (2, "negative")):
        item = ItemFactory(project=project, aggregate_value={"label": aggregate})
        for user, label in zip(annotators, LABELS, strict=True):
            AnnotationFactory(
                item=item, annotator=user, value={"label": label}, guideline_version=version
            )
        item_flags_refresh(item_id=item.pk)
        items.append(item)
    other = MembershipFactory(project=project).user
    AnnotationFactory(item=items[1], annotator=other, value={"label": "neutral"})
    url = f"/api/projects/{project.pk}/flags"

    def listed(**params):
        body = api_as(reviewer).get(url, params).json()
        return sorted({row["item"] for row in body["results"]})

    assert listed() == [items[0].pk, items[1].pk]
    assert listed(label="negative") == [items[1].pk]
    assert listed(version=1) == [items[0].pk]
    assert listed(annotator=other.pk) == [items[1].pk]
    assert listed(annotator=other.pk, version=1) == []
