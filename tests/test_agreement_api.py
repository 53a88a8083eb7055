"""Agreement command and API: the DESIGN.md object, role checks, and equality with the pure report."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from review import services
from review.loaders.annotations import project_data
from review.metrics.report import build_report
from review.models import AgreementSnapshot
from tests.factories import RATING_SCHEMA, AnnotationFactory, ItemFactory, ProjectFactory

LABELS = [
    ["positive", "positive", "positive"],
    ["positive", "negative", "positive"],
    ["negative", "negative", "neutral"],
    ["neutral", "neutral"],
]
CONTRACT_KEYS = {
    "items", "annotations", "annotators", "percent_agreement", "krippendorff_alpha",
    "fleiss_kappa", "gwet_ac1", "cohen_kappa_pairs", "per_label", "per_annotator",
}  # fmt: skip


@pytest.fixture
def labelled(project, annotators):
    """Four items labelled by the three annotators (the last by two)."""
    for labels in LABELS:
        item = ItemFactory(project=project)
        for user, label in zip(annotators, labels, strict=False):
            AnnotationFactory(item=item, annotator=user, value={"label": label})
    return project


def command_json(reference: str) -> dict:
    out = StringIO()
    call_command("agreement", reference, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_command_prints_the_design_contract_with_hand_checked_numbers(labelled):
    report = command_json(str(labelled.pk))
    assert report.keys() >= CONTRACT_KEYS
    assert (report["items"], report["annotations"], report["annotators"]) == (4, 11, 3)
    # Pairs agreeing: item1 3/3, item2 1/3, item3 1/3, item4 1/1 -> mean 2/3.
    assert report["percent_agreement"] == pytest.approx(2 / 3, abs=1e-6)
    assert set(report["krippendorff_alpha"]) == {"nominal"}
    assert {(p["a"], p["b"]) for p in report["cohen_kappa_pairs"]} == {
        ("annotator1", "annotator2"), ("annotator1", "annotator3"), ("annotator2", "annotator3"),
    }  # fmt: skip
    assert all({"a", "b", "n", "kappa"} <= pair.keys() for pair in report["cohen_kappa_pairs"])


def test_command_accepts_the_project_name(labelled):
    assert command_json(labelled.name)["annotations"] == 11


def test_command_fails_cleanly_for_an_unknown_project(db):
    with pytest.raises(CommandError, match="No project"):
        call_command("agreement", "no-such-project", "--json", stdout=StringIO())


def test_command_numbers_equal_the_pure_report(labelled):
    data = project_data(labelled)
    pure = json.loads(json.dumps(build_report(data.annotations, data.schema)))
    command = command_json(str(labelled.pk))
    # The service adds the method's reason and the p_wrong-based accuracy estimate.
    assert command["aggregation"].pop("reason") == "Set in the project settings (majority)."
    assert set(command.pop("estimated_accuracy")) >= {"value", "low", "high", "expected_wrong"}
    assert command == pure


def test_rating_project_reports_every_level_and_weighted_kappas(annotators):
    project = ProjectFactory(schema=dict(RATING_SCHEMA))
    for ratings in ([1, 2, 1], [4, 5, 5], [3, 3, 2], [5, 5, 4]):
        item = ItemFactory(project=project)
        for user, rating in zip(annotators, ratings, strict=True):
            AnnotationFactory(item=item, annotator=user, value={"rating": rating})
    report = command_json(str(project.pk))
    assert set(report["krippendorff_alpha"]) == {"nominal", "ordinal", "interval", "ratio"}
    assert report["alpha_ci"]["level"] == "ordinal"
    assert all("kappa_quadratic" in pair for pair in report["cohen_kappa_pairs"])
    assert report["krippendorff_alpha"]["interval"] > report["krippendorff_alpha"]["nominal"]


def test_anonymous_request_gets_401(api, labelled):
    assert api.get(f"/api/projects/{labelled.pk}/agreement").status_code == 401


def test_outsider_gets_404(api_as, outsider, labelled):
    assert api_as(outsider).get(f"/api/projects/{labelled.pk}/agreement").status_code == 404


def test_annotator_gets_403(api_as, annotator, labelled):
    assert api_as(annotator).get(f"/api/projects/{labelled.pk}/agreement").status_code == 403


@pytest.mark.parametrize("persona", ["reviewer", "lead"])
def test_staff_get_the_same_numbers_as_the_command(request, api_as, labelled, persona):
    user = request.getfixturevalue(persona)
    response = api_as(user).get(f"/api/projects/{labelled.pk}/agreement")
    assert response.status_code == 200
    assert response.json() == command_json(str(labelled.pk))
    assert AgreementSnapshot.objects.filter(project=labelled).count() == 1


def test_api_serves_the_latest_snapshot(api_as, lead, labelled):
    services.project_snapshot_create(project_id=labelled.pk)
    AnnotationFactory(
        item=ItemFactory(project=labelled), annotator=lead, value={"label": "positive"}
    )
    stale = api_as(lead).get(f"/api/projects/{labelled.pk}/agreement").json()
    assert stale["annotations"] == 11
    services.project_snapshot_create(project_id=labelled.pk)
    assert api_as(lead).get(f"/api/projects/{labelled.pk}/agreement").json()["annotations"] == 12


def test_unknown_project_gives_404_to_a_signed_in_user(api_as, lead):
    assert api_as(lead).get("/api/projects/999999/agreement").status_code == 404
