"""Probabilities from outside Accord (imported predictions, model servers) feed the model
detectors and p_wrong when they beat the majority baseline; when not, the review queue and
the settings page say why, with the figures."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.cache import cache
from django.test import Client

from labeling.models import Item, Prediction
from labeling.services.imports import import_file
from review.models import Flag
from review.services.flags import item_flags_refresh
from review.services.model_evidence import model_evidence, model_note
from review.services.refresh import project_refresh
from review.services.risk import model_matrix
from tests.factories import ItemFactory
from tests.factories_import import item_line, jsonl_write
from tests.factories_prelabel import ModelVersionFactory

SURE = {
    "positive": {"positive": 0.9, "negative": 0.1},
    "negative": {"positive": 0.1, "negative": 0.9},
}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def _external_case(project, *, version="ext", useful=True, n=12):
    """n items labelled half/half; the source agrees with each (or always says "positive",
    no better than the majority class), and is sure the odd item's "positive" is wrong."""
    for index in range(n):
        label = "positive" if index % 2 else "negative"
        item = ItemFactory(project=project, aggregate_value={"label": label}, annotation_count=3)
        probs = SURE[label] if useful else SURE["positive"]
        Prediction.objects.create(
            project=project, item=item, model_version=version, value={"label": label}, score=0.9,
            probabilities=probs,
        )  # fmt: skip
    odd = ItemFactory(project=project, aggregate_value={"label": "positive"}, annotation_count=3)
    Prediction.objects.create(
        project=project, item=odd, model_version=version, value={"label": "negative"}, score=0.95,
        probabilities={"positive": 0.05, "negative": 0.95},
    )  # fmt: skip
    return odd


@pytest.mark.parametrize("source", ["import", "model server"])
def test_external_probabilities_that_beat_baseline_raise_both_model_flags(project, source):
    if source == "model server":
        ModelVersionFactory(project=project, version="srv", backend="http", details={})
    odd = _external_case(project, version="srv" if source == "model server" else "ext")
    evidence = model_evidence(project)
    assert evidence.skipped is None
    assert evidence.probabilities[odd.pk] == {"positive": 0.05, "negative": 0.95}
    item_flags_refresh(item_id=odd.pk)
    reasons = set(Flag.objects.filter(item=odd).values_list("reason", flat=True))
    assert {"likely_error", "model_disagrees"} <= reasons
    matrix = model_matrix(project, np.array([odd.pk]), ["positive", "negative"])
    assert matrix[0] == pytest.approx([0.05, 0.95])
    assert model_note(project) is None


def test_external_probabilities_no_better_than_baseline_are_skipped_and_the_pages_say_so(
    project, lead
):
    odd = _external_case(project, useful=False)
    item_flags_refresh(item_id=odd.pk)
    assert not Flag.objects.filter(
        item=odd, reason__in=["likely_error", "model_disagrees"]
    ).exists()
    assert model_matrix(project, np.array([odd.pk]), ["positive", "negative"]) is None
    # 6 of the 13 items are "positive" and the source says "positive" on 6 of them (its top
    # class is wrong on the odd one): accuracy 6/13 against a baseline of 7/13.
    sentence = "not better than the majority-class baseline on the current labels"
    figures = "accuracy 0.462 vs 0.538 on 13 items"
    assert sentence in model_note(project)
    client = Client()
    client.force_login(lead)
    for url in (f"/projects/{project.pk}/review/", f"/projects/{project.pk}/settings/"):
        page = client.get(url).content.decode()
        assert sentence in page, url
        assert figures in page, url
        assert "&quot;Model disagrees&quot; and &quot;likely label error&quot; are off" in page


def test_a_trained_model_below_baseline_is_named_on_the_review_queue_page(project, lead):
    ModelVersionFactory(
        project=project,
        cv_accuracy=0.5,
        details={"beats_baseline": False, "baseline_accuracy": 0.8},
    )
    client = Client()
    client.force_login(lead)
    page = client.get(f"/projects/{project.pk}/review/").content.decode()
    assert "not better than the majority-class baseline in cross-validation" in page
    assert "accuracy 0.500 vs 0.800" in page


def test_the_skip_reason_says_how_many_items_the_check_rested_on(project, lead):
    ModelVersionFactory(
        project=project,
        cv_accuracy=0.0,
        details={"beats_baseline": False, "baseline_accuracy": 0.0, "evaluated": 1, "against": "final"},
    )
    client = Client()
    client.force_login(lead)
    page = client.get(f"/projects/{project.pk}/review/").content.decode()
    assert "accuracy 0.000 vs 0.000 on 1 item with final labels" in page


def test_a_model_name_with_markup_is_escaped_on_the_page(project, lead):
    odd = _external_case(project, version="<b>x</b>", useful=False)
    item_flags_refresh(item_id=odd.pk)  # as after the import or the job that brought them
    client = Client()
    client.force_login(lead)
    page = client.get(f"/projects/{project.pk}/review/").content.decode()
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<b>x</b>" not in page


def test_imported_probabilities_enter_p_wrong_after_a_refresh(project, tmp_path):
    lines = []
    for index in range(12):
        label = "positive" if index % 2 else "negative"
        line = item_line(f"e{index}", "text", alice=label, bob=label, carol=label)
        probs = SURE[label] if index else {"positive": 0.97, "negative": 0.03}
        line["predictions"] = [
            {"model": "ext", "value": {"label": label}, "score": 0.9, "probabilities": probs}
        ]
        lines.append(line)
    import_file(project=project, path=jsonl_write(tmp_path / "items.jsonl", lines))
    project_refresh(project_id=project.pk)
    risks = dict(Item.objects.filter(project=project).values_list("external_id", "p_wrong"))
    assert risks["e0"] > 10 * max(risks[f"e{i}"] for i in range(1, 12))


def test_the_pages_note_reads_the_last_check_and_never_scans_the_items(
    project, django_assert_max_num_queries
):
    odd = _external_case(project, useful=False)
    with django_assert_max_num_queries(1):  # the trained model's gate: one row
        assert model_note(project) is None or "baseline" in model_note(project)
    item_flags_refresh(item_id=odd.pk)  # a refresh checks the source and leaves its answer
    with django_assert_max_num_queries(1):
        note = model_note(project)
    assert "accuracy 0.462 vs 0.538 on 13 items" in note
