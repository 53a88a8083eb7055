"""The demo's spans and boxes projects get a few items three annotators already labeled.

Four news snippets with entity spans and three pictures with boxes, imported with their
annotations (the path a team would use) beside the items left for the user to label; then a
project refresh stores their aggregates, p_wrong and flags, so the item pages, the data
browser and the review queue of both projects have content from the first minute. The
annotators mostly agree; one snippet and one picture are contested, one annotator is unsure.
Idempotent: a project that already has the story items is left alone.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser

from labeling import demo
from labeling.demo_images import demo_image, demo_shapes
from labeling.selectors_items import item_exists
from labeling.selectors_projects import project_get_by_name_or_none
from labeling.services.imports import import_file
from review.services.refresh import project_refresh

if TYPE_CHECKING:
    from labeling.models import Project

ANNOTATORS = ("annotator1", "annotator2", "annotator3")
PICTURES = (101, 102, 103)
# (text, [(entity, label) marked by annotator1, 2 and 3], index of the unsure annotator or None)
SNIPPETS: list[tuple[str, list[list[tuple[str, str]]], int | None]] = [
    (
        "Dana Okafor left Copperline Freight to open a bakery in Leeds.",
        [[("Dana Okafor", "PER"), ("Copperline Freight", "ORG"), ("Leeds", "LOC")]] * 3,
        None,
    ),
    (
        "The Marlow Quartet played in Prague while Ines Vidal watched from the balcony.",
        [
            [("Marlow Quartet", "ORG"), ("Prague", "LOC"), ("Ines Vidal", "PER")],
            [("Marlow", "PER"), ("Prague", "LOC")],
            [("Marlow Quartet", "LOC"), ("Prague", "LOC")],
        ],
        None,
    ),
    (
        "Hollis & Grant opened an office on Baker Street near the Wren Library.",
        [
            [("Hollis & Grant", "ORG"), ("Baker Street", "LOC"), ("Wren Library", "ORG")],
            [("Hollis & Grant", "ORG"), ("Baker Street", "LOC"), ("Wren Library", "LOC")],
            [("Hollis & Grant", "ORG"), ("Baker Street", "LOC"), ("Wren Library", "ORG")],
        ],
        2,
    ),
    (
        "Sven Aaltonen from the Nordic Rail Board inspected the tunnel at Kiruna.",
        [[("Sven Aaltonen", "PER"), ("Nordic Rail Board", "ORG"), ("Kiruna", "LOC")]] * 3,
        None,
    ),
]


def regions_story_seed(*, users: dict[str, AbstractBaseUser]) -> list[Project]:
    """Import the story items into the demo spans and boxes projects and refresh them.

    Returns the projects it seeded (none on a second run, or when seed_demo has not made them).
    """
    seeded = []
    for name, records, images in (
        (demo.DEMO_SPANS_PROJECT, _snippet_records(), False),
        (demo.DEMO_BOXES_PROJECT, _picture_records(), True),
    ):
        project = project_get_by_name_or_none(name=name)
        if project is None or item_exists(project=project, external_id=records[0]["id"]):
            continue
        _import(project, users["lead"], records, images)
        project_refresh(project_id=project.pk)
        seeded.append(project)
    return seeded


def _snippet_records() -> list[dict[str, Any]]:
    records = []
    for n, (text, marked, unsure_at) in enumerate(SNIPPETS, start=1):
        annotations: list[dict[str, Any]] = []
        for a, entities in enumerate(marked):
            spans = [
                {
                    "start": text.index(entity),
                    "end": text.index(entity) + len(entity),
                    "label": label,
                }
                for entity, label in entities
            ]
            annotations.append({"annotator": ANNOTATORS[a], "value": {"spans": spans}})
            if a == unsure_at:
                annotations[-1].update(
                    unsure=True, comment="Is a library a place or an organisation?"
                )
        records.append(
            {"id": f"story-news-{n:03d}", "data": {"text": text}, "annotations": annotations}
        )
    return records


def _picture_records() -> list[dict[str, Any]]:
    """Each annotator boxes every shape a few pixels off; on picture 102 annotator2 misses a shape
    and annotator3 swaps circles and squares, on 103 annotator2 misses a shape and annotator3
    boxes an empty patch."""
    records = []
    for number in PICTURES:
        rows = []
        for a, annotator in enumerate(ANNOTATORS):
            boxes = []
            for k, ((left, top, right, bottom), kind, _) in enumerate(demo_shapes(number)):
                if number in (102, 103) and a == 1 and k == 0:
                    continue
                label = kind
                if number == 102 and a == 2:
                    label = "square" if kind == "circle" else "circle"
                shift = (a - 1) * 3
                boxes.append({"x": left + shift, "y": top - shift, "width": right - left,
                              "height": bottom - top, "label": label})  # fmt: skip
            if number == 103 and a == 2:
                boxes.append({"x": 250, "y": 200, "width": 60, "height": 60, "label": "circle"})
            rows.append({"annotator": annotator, "value": {"boxes": boxes}})
        name = f"story-shapes-{number}.png"
        records.append(
            {"id": f"story-shapes-{number}", "data": {"image": name}, "annotations": rows}
        )
    return records


def _import(
    project: Project, lead: AbstractBaseUser, records: list[dict[str, Any]], images: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "story.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
        pictures = None
        if images:
            pictures = Path(folder) / "images"
            pictures.mkdir()
            for number in PICTURES:
                (pictures / f"story-shapes-{number}.png").write_bytes(demo_image(number))
        import_file(project=project, path=path, images=pictures, actor=lead)
