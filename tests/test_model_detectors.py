"""Model detectors on constructed data: held-out probabilities, the majority-baseline gate,
confident learning checked against cleanlab, stored probabilities and text fields."""

from __future__ import annotations

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from labeling.exceptions import SchemaError
from labeling.models import HeldOutPrediction, Item, Prediction
from labeling.prelabel import versions
from labeling.prelabel.base import PrelabelInput, Suggestion
from labeling.prelabel.baseline_gate import beats_baseline
from labeling.prelabel.tfidf import TfidfBackend
from labeling.prelabel.training import TrainingSet, cross_validate, fit_model, training_set
from labeling.prelabel.upsert import predictions_upsert
from labeling.services.imports import import_file
from labeling.text_fields import text_fields_clean, text_of
from review.flags import (
    ItemFacts,
    PredictionFact,
    ProjectFacts,
    flag_config,
    likely_error,
    model_disagrees,
)
from review.models import Flag
from review.services.flags import item_flags_refresh
from review.services.model_evidence import model_gate
from review.services.refresh import project_refresh
from review.services.risk import model_matrix
from tests.factories import AnnotationFactory, ItemFactory, UserFactory
from tests.factories_import import item_line, jsonl_write
from tests.factories_prelabel import ModelVersionFactory, labeled_items

WORDS = {"a": "sunny bright warm", "b": "rainy cold grey"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def text_set(labels: list[str], texts: list[str]) -> TrainingSet:
    inputs = [PrelabelInput(item_id=i + 1, data={}, text=t) for i, t in enumerate(texts)]
    return TrainingSet(inputs=inputs, labels=labels, is_final=[False] * len(labels))


def separable(n: int = 40, flipped: int = 3) -> TrainingSet:
    """Texts that name their class, with the first `flipped` labels wrong."""
    truth = ["a" if i % 2 else "b" for i in range(n)]
    texts = [f"{WORDS[t]} item{i}" for i, t in enumerate(truth)]
    given = [("b" if t == "a" else "a") if i < flipped else t for i, t in enumerate(truth)]
    return text_set(given, texts)


def test_held_out_probabilities_differ_from_in_sample_ones_on_a_flipped_label():
    data = separable()
    checked = cross_validate(lambda: TfidfBackend(kind="single"), data)
    fitted = fit_model(lambda: TfidfBackend(kind="single"), data)
    in_sample = fitted.predict(data.inputs[:1])[0].probabilities
    given = data.labels[0]
    assert set(checked.held_out) == {entry.item_id for entry in data.inputs}
    # The full model memorised the wrong label (its own unique word); the fold model did not.
    assert checked.held_out[1][given] < 0.5
    assert in_sample[given] > checked.held_out[1][given] + 0.1
    assert checked.details["beats_baseline"] is True


def test_a_model_no_better_than_the_majority_baseline_is_marked_so():
    rng = np.random.default_rng(1)
    labels = ["a"] * 32 + ["b"] * 8
    texts = [" ".join(rng.choice(["x", "y", "z", "w"], 3)) + f" id{i}" for i in range(40)]
    checked = cross_validate(lambda: TfidfBackend(kind="single"), text_set(labels, texts))
    assert checked.details["baseline_accuracy"] == pytest.approx(0.8)
    assert checked.accuracy <= checked.details["baseline_accuracy"]
    assert checked.details["beats_baseline"] is False


def test_likely_error_agrees_with_cleanlab_confident_learning():
    cleanlab_filter = pytest.importorskip("cleanlab.filter")
    names = ["c0", "c1", "c2", "c3"]
    for seed in range(5):
        rng = np.random.default_rng(seed)
        truth = rng.choice(4, 300, p=[0.4, 0.3, 0.2, 0.1])
        logits = rng.normal(size=(300, 4))
        logits[np.arange(300), truth] += rng.uniform(0, 3, 300)
        probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        given = np.where(rng.random(300) < 0.15, rng.choice(4, 300), truth)
        rows = [{n: float(p) for n, p in zip(names, row, strict=True)} for row in probs]
        project = ProjectFacts(
            class_thresholds=likely_error.class_thresholds(
                (names[g], r) for g, r in zip(given, rows, strict=True)
            )
        )
        mine = [
            likely_error.detect(
                ItemFacts(aggregate={"label": names[g]}, predictions=(PredictionFact("m", {}, None, r),)),
                project,
                flag_config({}, "likely_error"),
            )
            is not None
            for g, r in zip(given, rows, strict=True)
        ]
        theirs = cleanlab_filter.find_label_issues(given, probs, filter_by="confident_learning")
        assert np.array_equal(np.asarray(mine), theirs)
        assert 20 < sum(mine) < 150


def test_both_model_detectors_stay_silent_while_the_model_is_skipped():
    probabilities = {"a": 0.05, "b": 0.95}
    item = ItemFacts(
        aggregate={"label": "a"}, predictions=(PredictionFact("m", {"label": "b"}, 0.95, probabilities),)
    )
    on = ProjectFacts(class_thresholds={"a": 0.6, "b": 0.6})
    off = ProjectFacts(class_thresholds={"a": 0.6, "b": 0.6}, model_skipped="no better than baseline")
    assert likely_error.detect(item, on, flag_config({}, "likely_error")) is not None
    assert model_disagrees.detect(item, on, flag_config({}, "model_disagrees")) is not None
    assert likely_error.detect(item, off, flag_config({}, "likely_error")) is None
    assert model_disagrees.detect(item, off, flag_config({}, "model_disagrees")) is None


def _held_out_case(project, beats: bool):
    version = ModelVersionFactory(
        project=project, cv_accuracy=0.5, details={"beats_baseline": beats, "baseline_accuracy": 0.8}
    )
    items = []
    for index in range(6):
        label = "positive" if index % 2 else "negative"
        item = ItemFactory(project=project, aggregate_value={"label": label}, annotation_count=3)
        guess = {"positive": 0.9, "negative": 0.1} if index % 2 else {"positive": 0.1, "negative": 0.9}
        HeldOutPrediction.objects.create(
            project=project, item=item, model_version=version.version, probabilities=guess
        )
        items.append(item)
    odd = ItemFactory(project=project, aggregate_value={"label": "positive"}, annotation_count=3)
    HeldOutPrediction.objects.create(
        project=project, item=odd, model_version=version.version,
        probabilities={"positive": 0.05, "negative": 0.95},
    )
    return version, odd


def test_a_model_worse_than_baseline_raises_no_model_flags_and_the_page_says_why(project, lead):
    _, odd = _held_out_case(project, beats=False)
    item_flags_refresh(item_id=odd.pk)
    assert not Flag.objects.filter(item=odd, reason__in=["likely_error", "model_disagrees"]).exists()
    _, reason = model_gate(project)
    assert "not better than the majority-class baseline" in reason
    client = Client()
    client.force_login(lead)
    page = client.get(f"/projects/{project.pk}/prelabel/").content.decode()
    assert "not better than the majority-class baseline" in page
    assert "0.500 vs 0.800" in page


def test_a_model_that_beats_baseline_flags_the_odd_item_for_both_reasons(project):
    _, odd = _held_out_case(project, beats=True)
    item_flags_refresh(item_id=odd.pk)
    reasons = set(Flag.objects.filter(item=odd).values_list("reason", flat=True))
    assert {"likely_error", "model_disagrees"} <= reasons


def test_held_out_probabilities_enter_p_wrong_as_a_class_matrix(project):
    _, odd = _held_out_case(project, beats=True)
    ids = np.array([odd.pk, odd.pk + 1000])
    matrix = model_matrix(project, ids, ["positive", "negative", "neutral"])
    assert matrix[0] == pytest.approx([0.05, 0.95, 0.0])
    assert np.isnan(matrix[1]).all()
    _held_out_case(project, beats=False)  # a newer, worse model replaces it
    assert model_matrix(project, ids, ["positive", "negative", "neutral"]) is None


def test_training_stores_out_of_fold_probabilities_for_every_trained_item(project):
    items = labeled_items(project)
    version = versions.model_version_train(project=project, backend="tfidf")
    held = dict(
        HeldOutPrediction.objects.filter(model_version=version.version).values_list(
            "item_id", "probabilities"
        )
    )
    assert set(held) == {item.pk for item in items}
    assert set(next(iter(held.values()))) == {"positive", "negative"}
    assert "baseline_accuracy" in version.details


def test_predictions_keep_their_class_probabilities(project):
    item = ItemFactory(project=project)
    suggestion = Suggestion({"label": "positive"}, 0.7, 0.4, {"positive": 0.7, "negative": 0.3})
    predictions_upsert(project_id=project.pk, version="m1", pairs=[(item.pk, suggestion)], now=timezone.now())
    assert Prediction.objects.get(item=item).probabilities == {"positive": 0.7, "negative": 0.3}


def test_the_text_model_reads_every_named_field(project):
    project.schema = {
        **project.schema,
        "settings": {**project.schema["settings"], "prelabel": {"text_fields": ["title", "text"]}},
    }
    project.save()
    ItemFactory(project=project, data={"title": "Headline", "text": "body"}, aggregate_value={"label": "positive"})
    assert training_set(project).inputs[0].text == "Headline\n\nbody"
    assert text_of({"text": "x", "n": 3}, ("n", "missing", "text")) == "3\n\nx"
    with pytest.raises(SchemaError):
        text_fields_clean([""])


def test_import_keeps_the_probabilities_a_file_gives(project, tmp_path):
    line = item_line("p1", "great film", alice="positive")
    line["predictions"] = [
        {"model": "ext", "value": {"label": "positive"}, "score": 0.8,
         "probabilities": {"positive": 0.8, "negative": 0.2}},
    ]  # fmt: skip
    import_file(project=project, path=jsonl_write(tmp_path / "items.jsonl", [line]))
    assert Prediction.objects.get(model_version="ext").probabilities == {"positive": 0.8, "negative": 0.2}


def test_text_fields_are_set_through_patch_and_the_pre_label_page(api_as, project, lead):
    url = reverse("api-project", args=[project.pk])
    bad = api_as(lead).patch(url, {"settings": {"prelabel": {"text_fields": [""]}}}, format="json")
    assert bad.status_code == 400
    good = api_as(lead).patch(url, {"settings": {"prelabel": {"text_fields": ["title", "text"]}}}, format="json")
    assert good.status_code == 200
    project.refresh_from_db()
    assert project.settings["prelabel"]["text_fields"] == ["title", "text"]
    client = Client()
    client.force_login(lead)
    client.post(f"/projects/{project.pk}/prelabel/text-fields/", {"text_fields": "body, summary"})
    project.refresh_from_db()
    assert project.settings["prelabel"]["text_fields"] == ["body", "summary"]
    assert 'value="body, summary"' in client.get(f"/projects/{project.pk}/prelabel/").content.decode()


def test_the_baseline_gate_wants_a_clear_margin_on_few_items():
    assert beats_baseline(0.44, 0.40, 25) is False
    assert beats_baseline(0.44, 0.40, 5000) is True
    assert beats_baseline(0.80, 0.42, 1000) is True
    assert beats_baseline(None, 0.4, 10) is False


def _unanimous_item(project, index, label="positive"):
    item = ItemFactory(project=project)
    for i in range(3):
        AnnotationFactory(
            item=item, annotator=UserFactory(username=f"md{i}"), value={"label": label}
        )
    return item


@pytest.mark.parametrize("beats", [True, False])
def test_a_held_out_disagreement_raises_p_wrong_only_for_a_model_that_beats_baseline(project, beats):
    items = [_unanimous_item(project, i, "positive" if i % 2 else "negative") for i in range(8)]
    version = ModelVersionFactory(project=project, details={"beats_baseline": beats})
    for item in items:
        given = "positive" if items.index(item) % 2 else "negative"
        agree = {"positive": 0.9, "negative": 0.05, "neutral": 0.05} if given == "positive" else {
            "positive": 0.05, "negative": 0.9, "neutral": 0.05}  # fmt: skip
        # The first item: the held-out model is sure its unanimous label is wrong.
        probs = {"positive": 0.98, "negative": 0.01, "neutral": 0.01} if item is items[0] else agree
        HeldOutPrediction.objects.create(
            project=project, item=item, model_version=version.version, probabilities=probs
        )
    project_refresh(project_id=project.pk)
    risks = dict(Item.objects.filter(project=project).values_list("id", "p_wrong"))
    others = max(risks[item.pk] for item in items[1:])
    if beats:
        assert risks[items[0].pk] > others + 0.05
    else:
        assert risks[items[0].pk] == pytest.approx(risks[items[2].pk])
