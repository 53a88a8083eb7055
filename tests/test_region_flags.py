"""Spans and boxes through the real refresh path: aggregates, agreement, p_wrong and every flag.

Each test builds a small project on the database, runs review.services.refresh.project_refresh
(what `refresh_flags --wait`, a settings save and an import run) and reads the stored rows.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from labeling.browse import BrowseFilters, item_browse
from labeling.models import Item, Role
from labeling.services.imports import import_file
from labeling.services.items import pending_flag
from review.models import AgreementSnapshot, Flag
from review.services.refresh import project_refresh
from review.services.region_aggregates import project_region_run, project_region_store
from review.tasks.agreement import process_pending_items_task
from tests.factories import MembershipFactory, ProjectFactory, UserFactory
from tests.factories_regions import (
    SPANS_SCHEMA,
    TEXT,
    boxes_project_build,
    reasons,
    span,
    spans_project_build,
)

pytestmark = pytest.mark.django_db


def submitted(*items):
    """What a submit leaves behind: the items flagged pending, then the project's drain."""
    Item.objects.filter(pk__in=[item.pk for item in items]).update(**pending_flag(timezone.now()))
    process_pending_items_task.apply(args=[items[0].project_id], throw=True)


@pytest.fixture
def spans_project(request):
    """The five-item spans project; indirect parametrisation sets its review budget."""
    return spans_project_build(getattr(request, "param", 0.15))


@pytest.fixture
def boxes_project(request):
    """The five-picture boxes project; indirect parametrisation sets its review budget."""
    return boxes_project_build(getattr(request, "param", 0.15))


def test_span_refresh_stores_the_vote_with_a_confidence_per_span(spans_project):
    project, items = spans_project
    project_refresh(project_id=project.pk)
    agreed = Item.objects.get(pk=items["agreed"].pk)
    # "Marta Ruiz" 3 of 3, "Northwind Labs" 2 of 3 (competence weights keep the order)
    assert [(s["start"], s["end"], s["label"]) for s in agreed.aggregate_value["spans"]] == [
        (0, 10, "PER"),
        (18, 32, "ORG"),
    ]
    confidences = [s["confidence"] for s in agreed.aggregate_value["spans"]]
    assert confidences[0] == pytest.approx(1.0)
    assert 0.5 < confidences[1] < 1.0
    # overlap span F1: 8 of the 10 span comparisons matched
    assert agreed.agreement == pytest.approx(0.8)
    assert agreed.aggregate_method == "majority"
    assert 0 < agreed.p_wrong < 1


def test_a_submit_stores_the_plain_token_vote_of_the_item(spans_project):
    _, items = spans_project
    submitted(items["agreed"], items["contested"])
    agreed = Item.objects.get(pk=items["agreed"].pk)
    assert agreed.aggregate_value == {
        "spans": [
            {"start": 0, "end": 10, "label": "PER", "confidence": 1.0},
            {"start": 18, "end": 32, "label": "ORG", "confidence": 0.666667},
        ]
    }
    # segments: "Northwind Labs" 2/3, every other token 3/3 -> item confidence 2/3
    assert agreed.aggregate_confidence == pytest.approx(2 / 3, abs=1e-6)
    assert agreed.agreement == pytest.approx(0.8)
    assert agreed.aggregate_method == "majority"
    contested = Item.objects.get(pk=items["contested"].pk)
    # "Marta": one vote each for PER, LOC and "O": a tie goes to "O"
    assert contested.aggregate_value == {"spans": []}
    assert contested.agreement == 0.0
    assert contested.aggregate_confidence == pytest.approx(1 / 3, abs=1e-6)


@pytest.mark.parametrize("spans_project", [1.0], indirect=True)
def test_span_flags_fire_for_each_reason_with_known_values(spans_project):
    project, items = spans_project
    project_refresh(project_id=project.pk)
    contested = Flag.objects.get(item=items["contested"], reason="low_agreement")
    assert contested.details["agreement"] == 0.0
    assert "unsure" in reasons(items["unsure"])
    gold = Flag.objects.get(item=items["gold"], reason="gold_miss")
    assert gold.details["f1"] == {
        str(items["gold"].annotations.order_by("id").last().annotator_id): 0.0
    }
    assert gold.details["annotators"] == [
        items["gold"].annotations.order_by("id").last().annotator_id
    ]
    model = Flag.objects.get(item=items["model"], reason="model_disagrees")
    assert model.details["f1"] == 0.0
    # ORG is in 1 of 5 aggregates (share 0.2 < cut 0.3); PER is in 4 of 5
    rare = Flag.objects.get(item=items["agreed"], reason="rare_label")
    assert rare.details["label"] == "ORG"
    assert rare.details["share"] == pytest.approx(0.2)


def test_span_p_wrong_feeds_the_review_budget_and_gold_items_get_zero_or_one(spans_project):
    project, items = spans_project
    project_refresh(project_id=project.pk)
    risks = dict(Item.objects.filter(project=project).values_list("id", "p_wrong"))
    assert all(value is not None for value in risks.values())
    assert risks[items["gold"].pk] == 0.0  # the aggregate (2 of 3) matches the gold
    riskiest = max(risks, key=lambda pk: risks[pk])
    assert riskiest == items["contested"].pk
    estimate = AgreementSnapshot.objects.filter(project=project).latest("id").report[
        "estimated_accuracy"
    ]
    assert estimate["items"] == 5
    assert estimate["queued"] == 1
    assert estimate["expected_wrong"] == pytest.approx(sum(risks.values()), abs=1e-3)
    assert estimate["calibration"] == "posterior"
    # budget 15% of 5 items -> 1 item: only the riskiest is high risk
    assert set(
        Flag.objects.filter(project=project, reason="high_risk").values_list("item_id", flat=True)
    ) == {riskiest}


def test_a_submit_stores_the_averaged_boxes_of_the_item(boxes_project):
    _, items = boxes_project
    submitted(items["agreed"], items["contested"])
    agreed = Item.objects.get(pk=items["agreed"].pk)
    assert agreed.aggregate_value == {
        "boxes": [
            {"x": 10.0, "y": 10.0, "width": 100.0, "height": 101.33, "label": "car", "confidence": 1.0},
            {"x": 301.0, "y": 300.0, "width": 50.0, "height": 50.0, "label": "truck",
             "confidence": 0.666667},
        ]
    }  # fmt: skip
    assert agreed.aggregate_confidence == pytest.approx(2 / 3, abs=1e-6)
    # labelled F1 at IoU 0.5: 4 matches over 10 box comparisons, 2 * 4 / 10
    assert agreed.agreement == pytest.approx(0.8)
    contested = Item.objects.get(pk=items["contested"].pk)
    # drawn by 2 of 3 (kept), car and truck tie -> car; confidence 2/3 x 1/2
    assert contested.aggregate_value["boxes"][0]["label"] == "car"
    assert contested.aggregate_value["boxes"][0]["confidence"] == pytest.approx(1 / 3, abs=1e-6)
    assert contested.agreement == 0.0


@pytest.mark.parametrize("boxes_project", [1.0], indirect=True)
def test_box_flags_fire_for_each_reason_with_known_values(boxes_project):
    project, items = boxes_project
    project_refresh(project_id=project.pk)
    assert (
        Flag.objects.get(item=items["contested"], reason="low_agreement").details["agreement"]
        == 0.0
    )
    assert "unsure" in reasons(items["unsure"])
    gold = Flag.objects.get(item=items["gold"], reason="gold_miss")
    missed = items["gold"].annotations.order_by("id").last().annotator_id
    assert gold.details["annotators"] == [missed]
    assert gold.details["f1"] == {str(missed): 0.0}
    assert Flag.objects.get(item=items["model"], reason="model_disagrees").details["f1"] == 0.0
    rare = Flag.objects.get(item=items["agreed"], reason="rare_label")
    assert rare.details["label"] == "truck"
    # truck in 2 of 5 aggregates: the contested picture's car/truck tie goes to truck, whose
    # annotator MACE rates higher (the plain vote at submit time gives car, schema order)
    assert rare.details["share"] == 0.4
    # the gold item's third box matches nothing: 1 match over 6 comparisons, F1 1/3
    assert Flag.objects.get(item=items["gold"], reason="low_agreement").details[
        "agreement"
    ] == pytest.approx(1 / 3, abs=1e-4)
    for quiet in ("agreed", "unsure", "model"):
        assert "low_agreement" not in reasons(items[quiet])


def test_box_p_wrong_feeds_the_review_budget_and_gold_items_get_zero_or_one(boxes_project):
    project, items = boxes_project
    project_refresh(project_id=project.pk)
    risks = dict(Item.objects.filter(project=project).values_list("id", "p_wrong"))
    assert all(value is not None for value in risks.values())
    assert risks[items["gold"].pk] == 0.0
    riskiest = max(risks, key=lambda pk: risks[pk])
    assert riskiest == items["contested"].pk
    flagged = Flag.objects.filter(project=project, reason="high_risk")
    assert set(flagged.values_list("item_id", flat=True)) == {riskiest}
    agreed = Item.objects.get(pk=items["agreed"].pk)
    assert [b["label"] for b in agreed.aggregate_value["boxes"]] == ["car", "truck"]
    assert agreed.aggregate_method == "majority"


def test_the_item_page_and_data_browser_show_and_filter_the_span_aggregate(spans_project):
    project, items = spans_project
    project_refresh(project_id=project.pk)
    lead = MembershipFactory(
        project=project, user=UserFactory(username="lead"), role=Role.LEAD
    ).user
    client = Client()
    client.force_login(lead)
    page = client.get(f"/projects/{project.pk}/data/items/{items['agreed'].pk}/")
    assert "PER 0-10, ORG 18-32" in page.content.decode()
    # ORG is only in the agreed item's aggregate; "OR" is no label and matches nothing
    assert [i.pk for i in item_browse(lead, project.pk, BrowseFilters(label="ORG")).items] == [
        items["agreed"].pk
    ]
    assert item_browse(lead, project.pk, BrowseFilters(label="OR")).items == []


def test_a_second_refresh_writes_nothing_and_keeps_the_flags(spans_project):
    project, _ = spans_project
    project_refresh(project_id=project.pk)
    flags = sorted(
        Flag.objects.filter(project=project).values_list("item_id", "reason", "severity")
    )
    with transaction.atomic():
        assert project_region_store(project, project_region_run(project)) == 0
    project_refresh(project_id=project.pk)
    assert (
        sorted(Flag.objects.filter(project=project).values_list("item_id", "reason", "severity"))
        == flags
    )


def test_import_drain_and_refresh_flags_command_aggregate_an_imported_spans_file(
    tmp_path, django_capture_on_commit_callbacks
):
    project = ProjectFactory(schema=SPANS_SCHEMA, max_overlap=3)
    per, org = span(0, 10, "PER"), span(18, 32, "ORG")
    votes = [[per, org], [per, org], [per]]
    line = {"id": "n-1", "data": {"text": TEXT},
            "annotations": [{"annotator": f"imp{n}", "value": {"spans": v}} for n, v in enumerate(votes)]}  # fmt: skip
    path = tmp_path / "spans.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        import_file(project=project, path=path)
    item = Item.objects.get(project=project, external_id="n-1")
    # the drain's per-item recompute: the plain vote
    assert [s["label"] for s in item.aggregate_value["spans"]] == ["PER", "ORG"]
    assert item.agreement == pytest.approx(0.8)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("refresh_flags", str(project.pk), stdout=StringIO())
    item.refresh_from_db()
    assert item.p_wrong is not None
    assert item.aggregate_method in ("majority", "dawid_skene")
