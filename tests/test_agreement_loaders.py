"""Loading annotations from the database into the metrics' long form, for every kind."""

from __future__ import annotations

import pytest

from review import services
from review.loaders.annotations import project_data
from tests.factories import AnnotationFactory, ItemFactory, ProjectFactory

MULTI_SCHEMA = {
    "kind": "multi",
    "data": "text",
    "labels": [{"value": "sports"}, {"value": "politics"}, {"value": "tech"}],
}


def annotate(project, annotators, rows, key="label", **extra):
    """One item per row; row[i] is annotator i's value (None to skip)."""
    items = []
    for row in rows:
        item = ItemFactory(project=project, **extra)
        for user, value in zip(annotators, row, strict=False):
            if value is not None:
                AnnotationFactory(item=item, annotator=user, value={key: value})
        items.append(item)
    return items


def test_labels_outside_the_schema_are_left_out(project, annotators):
    annotate(project, annotators, [["positive", "spam-label", "positive"]])
    data = project_data(project).annotations
    assert data.codes.tolist() == [0, 0]
    assert data.annotator_names == ["annotator1", "annotator3"]


def test_multi_label_report_has_per_label_alpha_and_set_distances(annotators):
    project = ProjectFactory(schema=MULTI_SCHEMA)
    rows = [
        [["sports"], ["sports"], ["sports", "tech"]],
        [["politics"], ["politics"], ["politics"]],
        [["tech"], ["sports"], ["tech"]],
    ]
    annotate(project, annotators, rows, key="labels")
    report, items, _ = services.project_report(project=project)
    assert {"nominal", "jaccard", "masi"} <= report["krippendorff_alpha"].keys()
    assert [row["label"] for row in report["per_label"]] == ["sports", "politics", "tech"]
    assert report["krippendorff_alpha"]["jaccard"] > report["krippendorff_alpha"]["nominal"]
    assert items.value_names[items.labels[0]] == "sports"


def test_gold_items_give_agreement_with_gold(project, annotators):
    gold = annotate(project, annotators, [["positive", "negative", "positive"]], is_gold=True)[0]
    gold.gold_value = {"label": "positive"}
    gold.save()
    report, _, _ = services.project_report(project=project)
    by_name = {row["annotator"]: row for row in report["per_annotator"]}
    assert by_name["annotator1"]["agreement_with_gold"] == 1.0
    assert by_name["annotator2"]["agreement_with_gold"] == 0.0


def test_report_groups_alpha_by_guideline_version(project, annotators):
    first = annotate(project, annotators, [["positive", "positive", "negative"]] * 2)
    AnnotationFactory(
        item=ItemFactory(project=project), annotator=annotators[0], guideline_version=2
    )
    for item in first:
        item.annotations.update(guideline_version=1)
    report, _, _ = services.project_report(project=project)
    versions = {row["key"]: row for row in report["groups"]["guideline_version"]}
    assert versions["1"]["annotations"] == 6
    assert versions["2"]["items"] == 0
    assert versions["2"]["alpha"] is None


def test_project_without_annotations_reports_undefined_figures(project):
    report, _, _ = services.project_report(project=project)
    assert report["items"] == 0
    assert report["krippendorff_alpha"]["nominal"] is None
    assert report["undefined"]["krippendorff_alpha.nominal"]


@pytest.mark.parametrize("kind", ["spans", "boxes"])
def test_span_and_box_projects_report_counts_and_say_why_figures_are_missing(kind, annotators):
    project = ProjectFactory(schema={"kind": kind, "data": "text", "labels": [{"value": "PER"}]})
    report, items, _ = services.project_report(project=project)
    assert items is None  # no class-label aggregates: spans and boxes have their own report
    assert (report["kind"], report["items"], report["annotations"]) == (kind, 0, 0)
    assert report["krippendorff_alpha"]["nominal"] is None
    assert report["undefined"]["krippendorff_alpha.nominal"]
    assert report["cohen_kappa_pairs"] == []
