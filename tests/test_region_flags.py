"""Spans and boxes through the real refresh path: aggregates, agreement, p_wrong and every flag.

Each test builds a small project on the database, runs review.services.refresh.project_refresh
(what `refresh_flags --wait`, a settings save and an import run) and reads the stored rows.
"""

from __future__ import annotations

import pytest

from labeling.models import Item
from review.models import Flag
from review.services.refresh import project_refresh
from review.tasks import process_submitted_annotation_task
from tests.factories import (
    AnnotationFactory,
    ItemFactory,
    PredictionFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# truck (boxes) and ORG (spans) are in 1 or 2 of the 5 aggregates, car and PER in 3 or more
FLAGS = {"rare_label": {"cut": 0.5, "min_items": 3}}
SPANS_SCHEMA = {
    "kind": "spans",
    "data": "text",
    "labels": [{"value": "PER"}, {"value": "ORG"}, {"value": "LOC"}],
    "settings": {"overlap": 3, "aggregation": "majority", "flags": FLAGS},
}
BOXES_SCHEMA = {
    "kind": "boxes",
    "data": "image",
    "labels": [{"value": "car"}, {"value": "truck"}],
    "settings": {"overlap": 3, "aggregation": "majority", "flags": FLAGS},
}
TEXT = "Marta Ruiz joined Northwind Labs in Lisbon."


def span(start: int, end: int, label: str) -> dict:
    return {"start": start, "end": end, "label": label}


def box(x: float, y: float, w: float, h: float, label: str = "car") -> dict:
    return {"x": x, "y": y, "width": w, "height": h, "label": label}


def annotate(item, values, key, unsure_at=None):
    annotators = [UserFactory(username=f"ann{n}") for n in range(len(values))]
    for n, (annotator, parts) in enumerate(zip(annotators, values, strict=True)):
        AnnotationFactory(item=item, annotator=annotator, value={key: parts}, unsure=n == unsure_at)


def reasons(item) -> set[str]:
    return set(Flag.objects.filter(item=item).values_list("reason", flat=True))


def with_budget(schema: dict, budget: float) -> dict:
    """The schema with review_budget set (1.0: every item is within budget and keeps its flags)."""
    return {**schema, "settings": {**schema["settings"], "review_budget": budget}}


@pytest.fixture
def spans_project(request):
    """Five items: agreed, contested, unsure, gold (one miss), model disagrees."""
    budget = getattr(request, "param", 0.15)
    project = ProjectFactory(schema=with_budget(SPANS_SCHEMA, budget), max_overlap=3)
    per, org = span(0, 10, "PER"), span(18, 32, "ORG")
    items = {name: ItemFactory(project=project, data={"text": TEXT}) for name in
             ("agreed", "contested", "unsure", "gold", "model")}  # fmt: skip
    annotate(items["agreed"], [[per, org], [per, org], [per]], "spans")
    annotate(items["contested"], [[span(0, 5, "PER")], [span(0, 5, "LOC")], []], "spans")
    annotate(items["unsure"], [[per], [per], [per]], "spans", unsure_at=2)
    annotate(items["gold"], [[per], [per], [span(0, 5, "PER")]], "spans")
    Item.objects.filter(pk=items["gold"].pk).update(is_gold=True, gold_value={"spans": [per]})
    annotate(items["model"], [[per], [per], [per]], "spans")
    PredictionFactory(item=items["model"], value={"spans": [span(36, 42, "LOC")]}, score=0.95)
    return project, items


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
    process_submitted_annotation_task(items["agreed"].pk)
    process_submitted_annotation_task(items["contested"].pk)
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
    assert gold.details["f1"] == {str(items["gold"].annotations.order_by("id").last().annotator_id): 0.0}
    assert gold.details["annotators"] == [items["gold"].annotations.order_by("id").last().annotator_id]
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
    # budget 15% of 5 items -> 1 item: only the riskiest is high risk
    assert set(Flag.objects.filter(project=project, reason="high_risk").values_list("item_id", flat=True)) == {riskiest}


@pytest.fixture
def boxes_project(request):
    """Five pictures: agreed, contested, unsure, gold (one miss), model disagrees."""
    budget = getattr(request, "param", 0.15)
    project = ProjectFactory(schema=with_budget(BOXES_SCHEMA, budget), max_overlap=3)
    items = {name: ItemFactory(project=project, data={"image": f"{name}.png"}, width=640, height=480)
             for name in ("agreed", "contested", "unsure", "gold", "model")}  # fmt: skip
    car = box(10, 10, 100, 100)
    annotate(
        items["agreed"],
        [
            [car, box(300, 300, 50, 50, "truck")],
            [box(12, 8, 100, 104), box(302, 300, 50, 50, "truck")],
            [box(8, 12, 100, 100)],
        ],
        "boxes",
    )
    annotate(items["contested"], [[box(0, 0, 50, 50)], [box(0, 0, 50, 50, "truck")], []], "boxes")
    annotate(items["unsure"], [[car], [car], [car]], "boxes", unsure_at=2)
    annotate(items["gold"], [[car], [box(12, 10, 100, 100)], [box(200, 200, 50, 50)]], "boxes")
    Item.objects.filter(pk=items["gold"].pk).update(is_gold=True, gold_value={"boxes": [car]})
    annotate(items["model"], [[car], [car], [car]], "boxes")
    PredictionFactory(item=items["model"], value={"boxes": [box(400, 300, 50, 50, "truck")]}, score=0.95)
    return project, items


def test_a_submit_stores_the_averaged_boxes_of_the_item(boxes_project):
    _, items = boxes_project
    process_submitted_annotation_task(items["agreed"].pk)
    process_submitted_annotation_task(items["contested"].pk)
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
    assert Flag.objects.get(item=items["contested"], reason="low_agreement").details[
        "agreement"
    ] == 0.0
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
