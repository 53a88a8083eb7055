"""Flag detectors on constructed data, idempotent refreshes and escalation before review."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from labeling.models import AuditEntry, HeldOutPrediction, Item
from labeling.services.items import pending_flag
from review.flags import (
    AnnotationFact,
    ItemFacts,
    PredictionFact,
    ProjectFacts,
    detect_all,
    flag_config,
    gold_miss,
    likely_error,
    low_agreement,
    model_disagrees,
    rare_label,
    unsure,
)
from review.models import Flag, FlagStatus
from review.services.flags import item_flags_refresh, project_flags_refresh
from review.tasks.agreement import process_pending_items_task
from review.tasks.flags import (
    THROTTLE_KEY,
    project_flags_refresh_schedule,
    refresh_project_flags_task,
)
from tests.factories import AnnotationFactory, ItemFactory, PredictionFactory, UserFactory
from tests.factories_prelabel import ModelVersionFactory

NO_PROJECT = ProjectFacts()


def labels(*names: str, unsure_at: int | None = None, comment_at: int | None = None):
    return tuple(
        AnnotationFact(
            annotator_id=i + 1,
            value={"label": name},
            unsure=i == unsure_at,
            comment="hmm" if i == comment_at else "",
        )
        for i, name in enumerate(names)
    )


def config(reason: str, **overrides):
    return flag_config({"flags": {reason: overrides}}, reason)


# --- detectors -------------------------------------------------------------------------------


def test_low_agreement_fires_when_three_labels_all_differ():
    item = ItemFacts(annotations=labels("a", "b", "c"), target_overlap=3)
    severity, details = low_agreement.detect(item, NO_PROJECT, config("low_agreement"))
    assert details["agreement"] == pytest.approx(1 / 3, abs=1e-3)
    assert severity == pytest.approx((0.6 - 1 / 3) / 0.6, abs=1e-3)


def test_low_agreement_waits_until_the_item_has_its_overlap():
    item = ItemFacts(annotations=labels("a", "b"), target_overlap=3)
    assert low_agreement.detect(item, NO_PROJECT, config("low_agreement")) is None


def test_low_agreement_stays_silent_for_a_two_to_one_majority_at_the_default_threshold():
    item = ItemFacts(annotations=labels("a", "a", "b"), target_overlap=3)
    assert low_agreement.detect(item, NO_PROJECT, config("low_agreement")) is None


def test_low_agreement_prefers_the_review_apps_item_figure_and_obeys_the_project_threshold():
    item = ItemFacts(annotations=labels("a", "a", "b"), target_overlap=3, agreement=0.7)
    assert low_agreement.detect(item, NO_PROJECT, config("low_agreement", threshold=0.8))
    assert low_agreement.detect(item, NO_PROJECT, config("low_agreement", threshold=0.7)) is None


def test_rare_label_fires_for_a_label_under_the_cut():
    project = ProjectFacts(label_shares={"common": 0.99, "rare": 0.01}, labeled_items=100)
    item = ItemFacts(annotations=labels("rare"), aggregate={"label": "rare"})
    severity, details = rare_label.detect(item, project, config("rare_label"))
    assert details["label"] == "rare"
    assert severity == pytest.approx(0.5)
    common = ItemFacts(annotations=labels("common"), aggregate={"label": "common"})
    assert rare_label.detect(common, project, config("rare_label")) is None


def test_rare_label_needs_enough_labeled_items_before_judging_rarity():
    project = ProjectFacts(label_shares={"common": 0.99, "rare": 0.01}, labeled_items=10)
    item = ItemFacts(aggregate={"label": "rare"})
    assert rare_label.detect(item, project, config("rare_label")) is None
    assert rare_label.detect(item, project, config("rare_label", min_items=5)) is not None


def test_model_disagrees_only_for_a_confident_prediction_that_differs():
    item = ItemFacts(
        aggregate={"label": "a"},
        predictions=(PredictionFact("m1", {"label": "b"}, score=0.95),),
    )
    severity, details = model_disagrees.detect(item, NO_PROJECT, config("model_disagrees"))
    assert severity == pytest.approx(0.95)
    assert details["predicted"] == ["b"]
    timid = ItemFacts(
        aggregate={"label": "a"}, predictions=(PredictionFact("m1", {"label": "b"}, score=0.6),)
    )
    assert model_disagrees.detect(timid, NO_PROJECT, config("model_disagrees")) is None
    agrees = ItemFacts(
        aggregate={"label": "a"}, predictions=(PredictionFact("m1", {"label": "a"}, score=0.99),)
    )
    assert model_disagrees.detect(agrees, NO_PROJECT, config("model_disagrees")) is None


def test_unsure_fires_for_an_unsure_mark_or_a_comment():
    item = ItemFacts(annotations=labels("a", "a", "a", "a", unsure_at=0, comment_at=2))
    severity, details = unsure.detect(item, NO_PROJECT, config("unsure"))
    assert severity == pytest.approx(0.5)
    assert details["annotators"] == [1, 3]
    severity, _ = unsure.detect(item, NO_PROJECT, config("unsure", comments=False))
    assert severity == pytest.approx(0.25)
    assert unsure.detect(ItemFacts(annotations=labels("a")), NO_PROJECT, config("unsure")) is None


def test_gold_miss_names_the_annotators_who_missed_the_known_answer():
    item = ItemFacts(annotations=labels("a", "b", "a"), is_gold=True, gold_value={"label": "a"})
    severity, details = gold_miss.detect(item, NO_PROJECT, config("gold_miss"))
    assert severity == pytest.approx(1 / 3)
    assert details == {"annotators": [2], "expected": ["a"]}
    not_gold = ItemFacts(annotations=labels("b"), gold_value={"label": "a"})
    assert gold_miss.detect(not_gold, NO_PROJECT, config("gold_miss")) is None


def test_confident_learning_thresholds_are_per_class_mean_self_confidence():
    rows = [("a", {"a": 0.9, "b": 0.1}), ("a", {"a": 0.7, "b": 0.3}), ("b", {"a": 0.4, "b": 0.6})]
    assert likely_error.class_thresholds(rows) == pytest.approx({"a": 0.8, "b": 0.6})


def test_likely_error_fires_when_another_class_clears_its_threshold():
    project = ProjectFacts(class_thresholds={"a": 0.8, "b": 0.6})
    probabilities = {"a": 0.3, "b": 0.7}
    item = ItemFacts(
        aggregate={"label": "a"},
        predictions=(PredictionFact("m1", {"label": "b"}, 0.7, probabilities),),
    )
    severity, details = likely_error.detect(item, project, config("likely_error"))
    assert details["suggested"] == "b"
    assert severity == pytest.approx(0.4)
    fine = ItemFacts(
        aggregate={"label": "b"},
        predictions=(PredictionFact("m1", {"label": "b"}, 0.7, probabilities),),
    )
    assert likely_error.detect(fine, project, config("likely_error")) is None


def test_likely_error_is_silent_until_a_model_stores_probabilities():
    item = ItemFacts(aggregate={"label": "a"}, predictions=(PredictionFact("m1", {"label": "b"}),))
    assert likely_error.detect(item, ProjectFacts(), config("likely_error")) is None


def test_a_disabled_detector_never_fires():
    item = ItemFacts(annotations=labels("a", "b", "c"), target_overlap=3)
    assert "low_agreement" in detect_all(item, NO_PROJECT, {})
    off = {"flags": {"low_agreement": {"enabled": False}}}
    assert "low_agreement" not in detect_all(item, NO_PROJECT, off)


# --- service: idempotence and lifecycle ----------------------------------------------------


def contested_item(project, names=("positive", "negative", "neutral")):
    item = ItemFactory(project=project)
    for i, name in enumerate(names):
        AnnotationFactory(
            item=item,
            annotator=UserFactory(username=f"flag-ann-{item.pk}-{i}"),
            value={"label": name},
        )
    item.refresh_from_db()
    return item


def test_refreshing_twice_keeps_one_flag_per_reason(project):
    item = contested_item(project)
    item_flags_refresh(item_id=item.pk)
    item_flags_refresh(item_id=item.pk)
    flags = Flag.objects.filter(item=item, reason="low_agreement")
    assert flags.count() == 1
    assert flags.get().status == FlagStatus.OPEN


def test_a_dismissed_flag_is_never_raised_again(project):
    item = contested_item(project)
    item_flags_refresh(item_id=item.pk)
    Flag.objects.filter(item=item).update(status=FlagStatus.DISMISSED)
    result = item_flags_refresh(item_id=item.pk)
    assert "low_agreement" not in result.raised
    assert Flag.objects.get(item=item, reason="low_agreement").status == FlagStatus.DISMISSED


def test_an_open_flag_goes_away_when_the_labels_settle(project):
    item = contested_item(project)
    item_flags_refresh(item_id=item.pk)
    item.annotations.update(value={"label": "positive"})
    result = item_flags_refresh(item_id=item.pk)
    assert result.cleared == ("low_agreement",)
    assert not Flag.objects.filter(item=item).exists()


def test_the_model_disagreement_is_flagged_from_held_out_probabilities(project):
    item = contested_item(project, names=("positive", "positive", "positive"))
    item.aggregate_value = {"label": "positive"}
    item.save()
    version = ModelVersionFactory(project=project, details={"beats_baseline": True})
    HeldOutPrediction.objects.create(
        project=project, item=item, model_version=version.version,
        probabilities={"positive": 0.03, "negative": 0.97},
    )
    item_flags_refresh(item_id=item.pk)
    flag = Flag.objects.get(item=item, reason="model_disagrees")
    assert flag.severity == pytest.approx(0.97)


def test_an_in_sample_prediction_without_a_checked_model_raises_no_model_flag(project):
    item = contested_item(project, names=("positive", "positive", "positive"))
    item.aggregate_value = {"label": "positive"}
    item.save()
    PredictionFactory(item=item, value={"label": "negative"}, score=0.97)
    item_flags_refresh(item_id=item.pk)
    assert not Flag.objects.filter(item=item, reason="model_disagrees").exists()


# --- escalation ---------------------------------------------------------------------------


def test_a_contested_item_gets_one_more_annotator_instead_of_a_flag(project):
    project.max_overlap = 5
    project.save()
    item = contested_item(project)
    result = item_flags_refresh(item_id=item.pk)
    item.refresh_from_db()
    assert result.escalated_to == 4
    assert item.target_overlap == 4
    assert not Flag.objects.filter(item=item, reason="low_agreement").exists()
    assert AuditEntry.objects.filter(action="item.escalate", target_id=str(item.pk)).exists()


def test_escalation_stops_at_max_overlap_and_then_the_item_is_flagged(project):
    project.max_overlap = 4
    project.save()
    item = contested_item(project, names=("positive", "negative", "neutral", "negative"))
    item.target_overlap = 4
    item.save()
    result = item_flags_refresh(item_id=item.pk)
    item.refresh_from_db()
    assert result.escalated_to is None
    assert item.target_overlap == 4
    assert Flag.objects.filter(item=item, reason="low_agreement").exists()


def test_an_escalated_item_waits_for_its_extra_label(project):
    project.max_overlap = 5
    project.save()
    item = contested_item(project)
    item_flags_refresh(item_id=item.pk)
    again = item_flags_refresh(item_id=item.pk)
    item.refresh_from_db()
    assert again.escalated_to is None
    assert item.target_overlap == 4


# --- tasks ---------------------------------------------------------------------------------


def test_flag_task_arguments_survive_a_json_round_trip(project):
    item = contested_item(project)
    Item.objects.filter(pk=item.pk).update(**pending_flag(timezone.now()))
    args = json.loads(json.dumps([project.pk]))
    process_pending_items_task.apply(args=args, throw=True)
    assert Flag.objects.filter(item=item, reason="low_agreement").count() == 1


def test_the_project_task_walks_every_batch(project):
    items = [contested_item(project) for _ in range(3)]
    assert project_flags_refresh(project_id=project.pk, limit=2) == items[1].pk
    refresh_project_flags_task.apply(args=json.loads(json.dumps([project.pk])), throw=True)
    assert Flag.objects.filter(project=project, reason="low_agreement").count() == 3


def test_refreshing_a_deleted_item_does_nothing(db):
    assert item_flags_refresh(item_id=987654) is None


def test_likely_error_reads_held_out_probabilities_of_the_checked_model(project):
    version = ModelVersionFactory(project=project, details={"beats_baseline": True})
    items = []
    for given, probabilities in (
        ("positive", {"positive": 0.9, "negative": 0.1}),
        ("positive", {"positive": 0.7, "negative": 0.3}),
        ("negative", {"positive": 0.4, "negative": 0.6}),
        ("positive", {"positive": 0.2, "negative": 0.8}),
    ):
        item = ItemFactory(project=project, aggregate_value={"label": given})
        HeldOutPrediction.objects.create(
            project=project, item=item, model_version=version.version, probabilities=probabilities
        )
        items.append(item)
    item_flags_refresh(item_id=items[-1].pk)
    item_flags_refresh(item_id=items[0].pk)
    flag = Flag.objects.get(item=items[-1], reason="likely_error")
    assert flag.details["suggested"] == "negative"
    assert not Flag.objects.filter(item=items[0], reason="likely_error").exists()


def test_rare_label_uses_the_projects_aggregate_shares(project):
    project.schema = {
        **project.schema,
        "settings": {**project.schema["settings"], "flags": {"rare_label": {"min_items": 4}}},
    }
    project.save()
    labels_given = ["positive"] * 9 + ["neutral"]
    items = [ItemFactory(project=project, aggregate_value={"label": v}) for v in labels_given]
    project_flags_refresh(project_id=project.pk)
    rare = Flag.objects.filter(project=project, reason="rare_label")
    assert list(rare.values_list("item_id", flat=True)) == []
    project.schema["settings"]["flags"]["rare_label"]["cut"] = 0.2
    project.save()
    project_flags_refresh(project_id=project.pk)
    assert list(rare.values_list("item_id", flat=True)) == [items[-1].pk]


def test_project_refreshes_are_throttled_per_project(
    project, monkeypatch, django_capture_on_commit_callbacks
):
    item = contested_item(project)
    cache.delete(THROTTLE_KEY.format(project_id=project.pk))
    sent = []
    monkeypatch.setattr("labeling.events.enqueue", lambda name, args: sent.append((name, args)))
    with django_capture_on_commit_callbacks(execute=True):
        project_flags_refresh_schedule(project.pk)
        project_flags_refresh_schedule(project.pk)
    assert sent == [("review.refresh_project_flags", [project.pk])]
    cache.delete(THROTTLE_KEY.format(project_id=project.pk))
    refresh_project_flags_task.apply(args=[project.pk], throw=True)
    assert Flag.objects.filter(item=item, reason="low_agreement").exists()


def test_a_submitted_annotation_refreshes_the_items_flags_through_the_review_task(project):
    item = contested_item(project)
    Item.objects.filter(pk=item.pk).update(**pending_flag(timezone.now()))
    process_pending_items_task.apply(args=json.loads(json.dumps([project.pk])), throw=True)
    item.refresh_from_db()
    assert item.agreement == pytest.approx(1 / 3)
    assert Flag.objects.filter(item=item, reason="low_agreement", status="open").exists()


def test_spans_without_an_agreement_figure_are_not_called_contested():
    spans = tuple(
        AnnotationFact(annotator_id=i, value={"spans": [{"start": i, "end": 5, "label": "PER"}]})
        for i in range(3)
    )
    item = ItemFacts(annotations=spans, target_overlap=3)
    assert low_agreement.detect(item, NO_PROJECT, config("low_agreement")) is None
    scored = ItemFacts(annotations=spans, target_overlap=3, agreement=0.2)
    assert low_agreement.detect(scored, NO_PROJECT, config("low_agreement")) is not None
