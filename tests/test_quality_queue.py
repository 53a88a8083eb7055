"""p_wrong wired into the product: stored per item, exported, the budget queue, the estimate."""

from __future__ import annotations

import json
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from labeling.exporters.jsonl import export_jsonl
from labeling.models import Item
from review.flags.facts import ItemFacts, ProjectFacts
from review.flags.high_risk import within_budget
from review.metrics.method_choice import default_method
from review.models import Flag
from review.services.agreement import item_recompute
from review.services.refresh import project_refresh
from tests.factories import AnnotationFactory, ItemFactory, UserFactory

UNANIMOUS = ["positive", "positive", "positive"]
CONTESTED = ["positive", "negative", "neutral"]
SPLIT = ["positive", "positive", "negative"]


def labelled(project, names, prefix="q"):
    item = ItemFactory(project=project)
    for i, name in enumerate(names):
        user = UserFactory(username=f"{prefix}{i}")
        AnnotationFactory(item=item, annotator=user, value={"label": name})
    return item


def set_settings(project, **settings):
    project.schema = {**project.schema, "settings": {**project.settings, **settings}}
    project.save()


@pytest.fixture
def crowd(project):
    """Eight unanimous items, a three-way split and a 2-1 split, by the same three annotators."""
    calm = [labelled(project, UNANIMOUS) for _ in range(8)]
    contested = [labelled(project, CONTESTED), labelled(project, SPLIT)]
    return calm, contested


def test_project_refresh_stores_p_wrong_highest_on_contested_items(project, crowd):
    calm, contested = crowd
    project_refresh(project_id=project.pk)
    risks = dict(Item.objects.filter(project=project).values_list("id", "p_wrong"))
    assert all(value is not None and 0 <= value <= 1 for value in risks.values())
    assert min(risks[i.pk] for i in contested) > max(risks[i.pk] for i in calm)


def test_the_budget_queues_only_the_riskiest_items_each_with_its_reasons(project, crowd):
    _calm, contested = crowd
    set_settings(project, review_budget=0.2)  # ceil(0.2 x 10) = 2 items
    project_refresh(project_id=project.pk)
    flagged = set(Flag.objects.filter(project=project).values_list("item_id", flat=True))
    assert flagged == {item.pk for item in contested}
    for item in contested:
        item.refresh_from_db()
        reasons = dict(Flag.objects.filter(item=item).values_list("reason", "severity"))
        assert "high_risk" in reasons
        assert set(reasons.values()) == {item.p_wrong}
    # The three-way split also says why: its agreement is low.
    assert Flag.objects.filter(item=contested[0], reason="low_agreement").exists()


def test_a_smaller_budget_queues_fewer_items(project, crowd):
    _, contested = crowd
    set_settings(project, review_budget=0.1)  # one item: the three-way split
    project_refresh(project_id=project.pk)
    assert set(Flag.objects.filter(project=project).values_list("item_id", flat=True)) == {
        contested[0].pk
    }


def test_a_risk_threshold_above_every_p_wrong_empties_the_queue(project, crowd):
    set_settings(project, review_budget=0.5, risk_threshold=0.999)
    project_refresh(project_id=project.pk)
    assert not Flag.objects.filter(project=project).exists()


def test_settled_items_are_not_queued_and_count_as_right(project, crowd):
    _, contested = crowd
    Item.objects.filter(pk=contested[0].pk).update(final_value={"label": "neutral"})
    set_settings(project, review_budget=0.2)
    project_refresh(project_id=project.pk)
    contested[0].refresh_from_db()
    assert contested[0].p_wrong == 0.0
    assert not Flag.objects.filter(item=contested[0]).exists()
    assert Flag.objects.filter(item=contested[1]).exists()


def test_a_disabled_high_risk_reason_leaves_the_other_reasons_within_budget(project, crowd):
    _, _contested = crowd
    set_settings(project, review_budget=0.2, flags={"high_risk": {"enabled": False}})
    project_refresh(project_id=project.pk)
    reasons = set(Flag.objects.filter(project=project).values_list("reason", flat=True))
    assert "high_risk" not in reasons
    assert "low_agreement" in reasons


def test_gold_misses_stay_flagged_outside_the_budget_and_other_reasons_do_not():
    found = {"gold_miss": (0.3, {}), "unsure": (1.0, {})}
    below = within_budget(found, ItemFacts(p_wrong=0.1), ProjectFacts(risk_cut=0.5))
    above = within_budget(found, ItemFacts(p_wrong=0.7), ProjectFacts(risk_cut=0.5))
    before_any_run = within_budget(found, ItemFacts(), ProjectFacts())
    assert below == {"gold_miss": (0.3, {})}
    assert above == {"gold_miss": (0.7, {}), "unsure": (0.7, {})}
    assert before_any_run == found


def test_p_wrong_is_exported_inside_the_aggregate(project, crowd):
    _, contested = crowd
    project_refresh(project_id=project.pk)
    lines = [json.loads(line) for line in "".join(export_jsonl(project)).splitlines()]
    by_id = {line["id"]: line for line in lines}
    item = Item.objects.get(pk=contested[0].pk)
    assert by_id[item.external_id]["aggregate"]["p_wrong"] == item.p_wrong
    assert all("p_wrong" in line["aggregate"] for line in lines)


def test_staff_see_p_wrong_in_the_item_api_and_annotators_do_not(
    project, crowd, lead, annotator, api_as
):
    project_refresh(project_id=project.pk)
    staff = api_as(lead).get(f"/api/projects/{project.pk}/items").json()
    rows = staff["results"] if isinstance(staff, dict) else staff
    assert all(row["p_wrong"] is not None for row in rows)
    peer = api_as(annotator).get(f"/api/projects/{project.pk}/items")
    body = peer.json() if peer.status_code == 200 else []
    rows = body["results"] if isinstance(body, dict) else body
    assert all("p_wrong" not in row for row in rows)


def test_agreement_json_and_api_report_the_estimated_accuracy(project, crowd, lead, api_as):
    out = StringIO()
    call_command("agreement", str(project.pk), "--json", stdout=out)
    estimate = json.loads(out.getvalue())["estimated_accuracy"]
    assert set(estimate) >= {"value", "low", "high", "expected_wrong", "fixed_by_budget"}
    assert estimate["low"] <= estimate["value"] <= estimate["high"]
    assert estimate["value"] == pytest.approx(1 - estimate["expected_wrong"] / 10, abs=1e-3)
    api = api_as(lead).get(f"/api/projects/{project.pk}/agreement").json()
    assert (
        api["estimated_accuracy"]["fixed_by_budget"] <= api["estimated_accuracy"]["expected_wrong"]
    )


def test_the_dashboard_says_how_many_labels_are_likely_wrong(project, crowd, lead):
    project_refresh(project_id=project.pk)
    client = Client()
    client.force_login(lead)
    page = client.get(reverse("lead-dashboard", kwargs={"project_id": project.pk})).content.decode()
    assert "of 10 labels are likely wrong" in page
    assert "reviewing the queue (2 items) would fix about" in page


def test_a_per_submit_tie_keeps_the_label_the_project_run_chose(db):
    # "positive" is the commoner label, so the frequency rule alone would pick it.
    item = ItemFactory()
    for i, name in enumerate(["negative", "positive"]):
        AnnotationFactory(
            item=item, annotator=UserFactory(username=f"tie{i}"), value={"label": name}
        )
    for _ in range(3):
        labelled(item.project, UNANIMOUS, prefix="tie-calm")
    Item.objects.filter(pk=item.pk).update(aggregate_value={"label": "negative"})
    assert item_recompute(item_id=item.pk).aggregate_value == {"label": "negative"}
    Item.objects.filter(pk=item.pk).update(aggregate_value=None)
    assert item_recompute(item_id=item.pk).aggregate_value == {"label": "positive"}


def test_the_default_method_follows_the_labels_per_annotator():
    sparse = default_method(np.repeat(np.arange(40), 7), n_classes=4)
    dense = default_method(np.repeat(np.arange(5), 100), n_classes=4)
    assert sparse.method == "majority"
    assert "median of 7 labels" in sparse.reason
    assert dense.method == "dawid_skene"
    assert "at least 20" in dense.reason
    assert default_method(np.array([], dtype=int), n_classes=2).method == "majority"


def test_a_risky_item_with_all_its_labels_gets_one_more_annotator_up_to_the_maximum(project, crowd):
    _, contested = crowd
    project.max_overlap = 4
    project.save()
    set_settings(project, review_budget=0.2)
    project_refresh(project_id=project.pk)
    split = Item.objects.get(pk=contested[1].pk)  # 2-1: agreement is fine, p_wrong is not
    assert split.target_overlap == 4
    assert not Flag.objects.filter(item=split, reason="high_risk").exists()
    labelled_item = AnnotationFactory(
        item=split, annotator=UserFactory(username="fourth"), value={"label": "negative"}
    )
    assert labelled_item.item_id == split.pk
    project_refresh(project_id=project.pk)
    split.refresh_from_db()
    assert split.target_overlap == 4  # at the maximum: flagged, not escalated again
    assert Flag.objects.filter(item=split, reason="high_risk").exists()
