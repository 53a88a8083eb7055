"""Agreement of spans and boxes projects end to end: command, API, page and the project task,
on small projects whose figures are worked out by hand below."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from labeling.models import Role
from review.models import AgreementSnapshot
from review.tasks.agreement import recompute_project_agreement_task
from tests.factories import (
    AnnotationFactory,
    ItemFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
)
from tests.factories_export import BOXES_SCHEMA, SPANS_SCHEMA

CONTRACT_KEYS = {
    "items", "annotations", "annotators", "percent_agreement", "krippendorff_alpha",
    "fleiss_kappa", "gwet_ac1", "cohen_kappa_pairs", "per_label", "per_annotator",
}  # fmt: skip
TEXT = "Ann met Bob in Rome"
PER_ANN, PER_BOB, LOC_ROME = (0, 3, "PER"), (8, 11, "PER"), (15, 19, "LOC")


def spans(*parts):
    return {"spans": [{"start": s, "end": e, "label": label} for s, e, label in parts]}


def car(height=10):
    return {"x": 0, "y": 0, "width": 10, "height": height, "label": "car"}


def person(x):
    return {"x": x, "y": x, "width": 10, "height": 10, "label": "person"}


def with_people(schema):
    """A project of ``schema`` with a lead, a reviewer and annotators ann1..ann3."""
    project = ProjectFactory(schema=dict(schema), overlap=2)
    MembershipFactory(project=project, user=UserFactory(username="lead"), role=Role.LEAD)
    MembershipFactory(project=project, user=UserFactory(username="reviewer"), role=Role.REVIEWER)
    users = [UserFactory(username=f"ann{i}") for i in (1, 2, 3)]
    for user in users:
        MembershipFactory(project=project, user=user, role=Role.ANNOTATOR)
    return project, users


@pytest.fixture
def spans_project(db):
    """One shared text, two annotators; a second text labelled by ann3 alone.

    Tokens of TEXT: Ann met Bob in Rome. ann1: PER O PER O LOC; ann2: PER O O O LOC.
    Token alpha (nominal): 10 values, n_PER 3, n_O 5, n_LOC 2; one disagreeing token
    ("Bob") with D = (2^2 - 1 - 1) / (2 - 1) = 2; alpha = 1 - (10 - 1) * 2 / (100 - 38) = 22/31.
    Presence alpha: inside 5, O 5: 1 - 9 * 2 / (100 - 50) = 0.64. Span F1: 2 of ann1's 3 and
    both of ann2's spans match: (2 + 2) / 5 = 0.8. Cohen's kappa over the 5 tokens: observed
    0.8, chance (2*1 + 2*3 + 1*1) / 25 = 0.36, kappa = 0.44 / 0.64 = 0.6875.
    ann3's span names a label outside the schema and is dropped.
    """
    project, (ann1, ann2, ann3) = with_people(SPANS_SCHEMA)
    item = ItemFactory(project=project, data={"text": TEXT})
    value_1 = spans(PER_ANN, PER_BOB, LOC_ROME)
    AnnotationFactory(item=item, annotator=ann1, value=value_1, guideline_version=1)
    AnnotationFactory(
        item=item, annotator=ann2, value=spans(PER_ANN, LOC_ROME), guideline_version=1
    )
    alone = ItemFactory(project=project, data={"text": "Zed"})
    AnnotationFactory(item=alone, annotator=ann3, value=spans((0, 3, "GONE")))
    return project


@pytest.fixture
def boxes_project(db):
    """One image, three annotators.

    ann1: car (0,0,10,10), person at 20; ann2: car (0,0,10,12), person at 50; ann3: car (0,0,10,10).
    Cars match pairwise (IoU 1, 5/6, 5/6); the persons match nothing. F1 at IoU 0.5 with labels:
    3 matches over 10 compared boxes (4 + 4 + 2): 2 * 3 / 10 = 0.6; mean IoU (1 + 5/6 + 5/6) / 3.
    Clusters: {3 cars}, {person of ann1}, {person of ann2}; values car 3, person 2, absent 4;
    each person cluster has D = (9 - 1 - 4) / 2 = 2: alpha = 1 - 8 * 4 / (81 - 29) = 5/13.
    Percent agreement (1 + 1/3 + 1/3) / 3 = 5/9. Kappa over the 3 clusters: ann1-ann2 0,
    ann1-ann3 and ann2-ann3 (2/3 - 1/3) / (2/3) = 0.5.
    """
    project, (ann1, ann2, ann3) = with_people(BOXES_SCHEMA)
    item = ItemFactory(project=project, data={"image": "a.png"}, width=100, height=100)
    for user, boxes, version in (
        (ann1, [car(), person(20)], 1),
        (ann2, [car(12), person(50)], 1),
        (ann3, [car()], 2),
    ):
        AnnotationFactory(
            item=item, annotator=user, value={"boxes": boxes}, guideline_version=version
        )
    return project


def command_json(project) -> dict:
    out = StringIO()
    call_command("agreement", str(project.pk), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_spans_command_gives_the_contract_and_the_hand_worked_figures(spans_project):
    report = command_json(spans_project)
    assert report.keys() >= CONTRACT_KEYS
    assert (report["items"], report["annotations"], report["annotators"]) == (1, 3, 3)
    assert (report["spans"], report["tokens"], report["alpha_unit"]) == (5, 5, "token")
    assert report["krippendorff_alpha"]["nominal"] == pytest.approx(22 / 31, abs=1e-6)
    assert report["krippendorff_alpha"]["presence"] == pytest.approx(0.64, abs=1e-6)
    assert report["span_f1"] == {"exact": 0.8, "overlap": 0.8}
    assert report["percent_agreement"] == pytest.approx(0.8)
    (pair,) = report["cohen_kappa_pairs"]
    assert (pair["a"], pair["b"], pair["n"], pair["kappa"]) == ("ann1", "ann2", 5, 0.6875)
    by_name = {row["annotator"]: row for row in report["per_annotator"]}
    assert by_name["ann1"]["mean_kappa"] == 0.6875
    assert by_name["ann3"]["agreement_with_others"] is None
    versions = {row["key"]: row for row in report["groups"]["guideline_version"]}
    assert versions["1"]["alpha"] == pytest.approx(22 / 31)
    assert (versions["none"]["items"], versions["none"]["alpha"]) == (0, None)


def test_boxes_command_gives_the_contract_and_the_hand_worked_figures(boxes_project):
    report = command_json(boxes_project)
    assert report.keys() >= CONTRACT_KEYS
    assert (report["items"], report["annotations"], report["annotators"]) == (1, 3, 3)
    assert report["box_f1"]["labelled"] == pytest.approx(0.6)
    assert report["mean_iou"] == pytest.approx((1 + 5 / 6 + 5 / 6) / 3, abs=1e-6)
    assert report["krippendorff_alpha"]["nominal"] == pytest.approx(5 / 13, abs=1e-6)
    assert report["percent_agreement"] == pytest.approx(5 / 9, abs=1e-6)
    kappas = {(p["a"], p["b"]): (p["n"], p["kappa"]) for p in report["cohen_kappa_pairs"]}
    assert kappas == {
        ("ann1", "ann2"): (3, 0.0),
        ("ann1", "ann3"): (3, 0.5),
        ("ann2", "ann3"): (3, 0.5),
    }
    versions = {row["key"]: row for row in report["groups"]["guideline_version"]}
    assert versions["1"]["alpha"] == pytest.approx(1 / 6)
    assert versions["1"]["f1"] == 0.5
    assert versions["2"]["items"] == 0


def test_command_summary_prints_the_token_alpha(spans_project):
    out = StringIO()
    call_command("agreement", spans_project.name, stdout=out)
    assert "1 items with 2+ labels, 3 annotations, 3 annotators" in out.getvalue()
    assert "alpha (nominal): 0.709677" in out.getvalue()
    assert "span F1 exact: 0.8  overlap: 0.8" in out.getvalue()


def test_command_summary_prints_box_f1_and_mean_iou(boxes_project):
    out = StringIO()
    call_command("agreement", str(boxes_project.pk), stdout=out)
    assert "box F1 at IoU 0.5: 0.6 (any label 0.6)  mean IoU: 0.888889" in out.getvalue()


@pytest.mark.parametrize("kind", ["spans_project", "boxes_project"])
def test_staff_get_the_command_numbers_over_the_api_and_annotators_do_not(request, api_as, kind):
    project = request.getfixturevalue(kind)
    staff, annotator = (
        project.memberships.get(role=Role.REVIEWER).user,
        project.memberships.filter(role=Role.ANNOTATOR).first().user,
    )
    response = api_as(staff).get(f"/api/projects/{project.pk}/agreement")
    assert response.status_code == 200
    assert response.json() == command_json(project)
    assert api_as(annotator).get(f"/api/projects/{project.pk}/agreement").status_code == 403


def test_project_task_stores_the_span_report_as_a_snapshot(spans_project):
    recompute_project_agreement_task(spans_project.pk)
    recompute_project_agreement_task(spans_project.pk)  # idempotent: no second snapshot
    (snapshot,) = AgreementSnapshot.objects.filter(project=spans_project)
    assert snapshot.report["kind"] == "spans"
    assert snapshot.report["krippendorff_alpha"]["nominal"] == pytest.approx(22 / 31, abs=1e-6)


def page(project, username="lead") -> str:
    client = Client()
    client.force_login(project.memberships.get(user__username=username).user)
    response = client.get(f"/projects/{project.pk}/agreement/")
    assert response.status_code == 200
    return response.content.decode()


def test_spans_page_renders_the_figures_server_side(spans_project):
    body = page(spans_project, "reviewer")
    assert 'data-testid="alpha">0.710<' in body
    assert "over tokens" in body
    assert "not Krippendorff's unitizing alpha" in body
    assert 'data-testid="f1-exact">0.800<' in body
    assert "<td>0.688</td>" in body  # the pair's kappa over tokens
    for table in ("labels", "annotators", "pairs", "versions"):
        assert f'data-testid="{table}"' in body
    assert body.count("<svg") >= 4
    assert body.count('class="chart-data"') == body.count("<svg")  # every chart has its table


def test_boxes_page_renders_the_figures_server_side(boxes_project):
    body = page(boxes_project)
    assert 'data-testid="alpha">0.385<' in body
    assert 'data-testid="f1-labelled">0.600<' in body
    assert 'data-testid="mean-iou">0.889<' in body
    assert "Hungarian" in body
    assert "over box clusters" in body
    assert body.count("<svg") >= 4
    assert body.count('class="chart-data"') == body.count("<svg")


@pytest.mark.parametrize("kind", ["spans", "boxes"])
def test_loader_keeps_well_formed_parts_in_value_order_on_either_database(db, kind):
    """Malformed parts are skipped as labeling.values skips them (on PostgreSQL in SQL)."""
    from review.loaders.regions import box_rows_load, span_rows_load

    schema = SPANS_SCHEMA if kind == "spans" else BOXES_SCHEMA
    project, (ann1, ann2, _) = with_people(schema)
    item = ItemFactory(project=project, data={"text": "Ann met Bob in Rome"})
    label, other = [entry["value"] for entry in schema["labels"][:2]]
    if kind == "spans":
        good = [(8, 11, other), (0, 3, label)]
        bad = [{"start": 1.5, "end": 3, "label": label}, {"start": True, "end": 3, "label": label},
               {"start": 0, "end": 3, "label": "GONE"}, {"start": 0, "end": 3}, "PER 0-3"]  # fmt: skip
        parts = [{"start": s, "end": e, "label": lab} for s, e, lab in good]
    else:
        good = [(5, 6.5, 10, 20, other), (0, 0, 10, 10, label)]
        bad = [{"x": "1", "y": 0, "width": 1, "height": 1, "label": label},
               {"x": 0, "y": False, "width": 1, "height": 1, "label": label},
               {"x": 0, "y": 0, "width": 1, "height": 1, "label": 7}, ["x"]]  # fmt: skip
        parts = [dict(zip(("x", "y", "width", "height", "label"), g, strict=True)) for g in good]
    AnnotationFactory(
        item=item, annotator=ann1, value={kind: [bad[0], parts[0], *bad[1:], parts[1]]}
    )
    AnnotationFactory(item=item, annotator=ann2, value={kind: {"not": "a list"}})
    labels = [entry["value"] for entry in schema["labels"]]
    if kind == "spans":
        data, _ = span_rows_load(project, labels)
        found = list(
            zip(data.starts.tolist(), data.ends.tolist(), data.codes.tolist(), strict=True)
        )
        assert sorted(found) == sorted((s, e, labels.index(lab)) for s, e, lab in good)
        assert data.span_rows.tolist() == [0, 0]
    else:
        data, _ = box_rows_load(project, labels)
        found = list(zip(data.x.tolist(), data.y.tolist(), data.width.tolist(), data.height.tolist(), data.codes.tolist(), strict=True))  # fmt: skip
        assert found == [(*g[:4], labels.index(g[4])) for g in good]  # value order kept
        assert data.box_rows.tolist() == [0, 0]
    assert (len(data.items), data.n_items) == (2, 1)
