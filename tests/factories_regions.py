"""Small spans and boxes projects with known annotations, for the aggregate and flag tests."""

from __future__ import annotations

from labeling.models import Item
from review.models import Flag
from tests.factories import (
    AnnotationFactory,
    ItemFactory,
    PredictionFactory,
    ProjectFactory,
    UserFactory,
)

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


def spans_project_build(budget: float = 0.15):
    """Five items: agreed, contested, unsure, gold (one miss), model disagrees."""
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


def boxes_project_build(budget: float = 0.15):
    """Five pictures: agreed, contested, unsure, gold (one miss), model disagrees."""
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
    PredictionFactory(
        item=items["model"], value={"boxes": [box(400, 300, 50, 50, "truck")]}, score=0.95
    )
    return project, items
