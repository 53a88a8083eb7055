"""The format exports stream: their peak memory stays flat when the project grows fourfold."""

from __future__ import annotations

import tracemalloc

import pytest

from labeling.models import Item
from labeling.services.exports import export_stream
from tests.factories import ProjectFactory
from tests.factories_export import BOXES_SCHEMA, SPANS_SCHEMA

pytestmark = pytest.mark.django_db

TEXT = "Ann Lee met Acme Corp in New York-based offices, " * 4
SPANS = {"spans": [{"start": 0, "end": 7, "label": "PER"}, {"start": 12, "end": 21, "label": "ORG"}]}
BOXES = {"boxes": [{"x": 1, "y": 2, "width": 3, "height": 4, "label": "car"}] * 3}


def add_items(project, count, start):
    spans = project.kind == "spans"
    Item.objects.bulk_create(
        Item(project=project, external_id=f"i{start + n}", data={"text": TEXT} if spans else {"image": f"{start + n}.jpg"},
             width=None if spans else 640, height=None if spans else 480, final_value=SPANS if spans else BOXES)
        for n in range(count)
    )  # fmt: skip


def peak_bytes(project, fmt):
    tracemalloc.start()
    total = sum(len(chunk) for chunk in export_stream(project=project, fmt=fmt))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert total > 0
    return peak


@pytest.mark.parametrize(("schema", "fmt"), [(SPANS_SCHEMA, "conll"), (SPANS_SCHEMA, "spacy"),
                                             (BOXES_SCHEMA, "coco"), (BOXES_SCHEMA, "yolo"),
                                             (SPANS_SCHEMA, "label_studio")])  # fmt: skip
def test_peak_memory_does_not_grow_with_the_number_of_items(schema, fmt, monkeypatch):
    monkeypatch.setattr("labeling.exporters.labelled_items.CHUNK_ITEMS", 100)
    project = ProjectFactory(schema=schema)
    add_items(project, 400, 0)
    small = peak_bytes(project, fmt)
    add_items(project, 1200, 400)

    large = peak_bytes(project, fmt)

    assert large < small * 1.5
