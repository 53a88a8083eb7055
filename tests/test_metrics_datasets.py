"""Metrics on the real datasets in ../shared/datasets, against published figures and the krippendorff package."""

from __future__ import annotations

import csv
from pathlib import Path

import krippendorff
import numpy as np
import pytest

from review.metrics.aggregation import dawid_skene, majority_vote
from review.metrics.alpha import krippendorff_alpha
from review.metrics.inputs import Annotations, SchemaSpec
from review.metrics.report import build_report
from review.metrics.tables import count_table

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
pytestmark = pytest.mark.skipif(
    not DATASETS.is_dir(), reason=f"shared datasets not found at {DATASETS} (CI provides them)"
)
SEVERITIES = ["1", "0", "-1", "-2", "-3"]  # ConvAbuse one-hot columns, least to most abusive


def _index(keys: list) -> tuple[np.ndarray, int]:
    """Dense indices for hashable keys, in first-seen order."""
    seen: dict = {}
    return np.array([seen.setdefault(k, len(seen)) for k in keys]), len(seen)


def _reliability_matrix(items, annotators, values, n_items, n_annotators) -> np.ndarray:
    matrix = np.full((n_annotators, n_items), np.nan)
    matrix[annotators, items] = values
    return matrix


def load_dawid_skene():
    with (DATASETS / "dawid_skene_1979" / "dawid_skene_1979_long.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    column = {name: np.array([int(r[name]) for r in rows]) for name in rows[0]}
    return column["patient"] - 1, column["observer"] - 1, column["label"] - 1, column["replicate"]


def load_politeness():
    keys, workers, scores = [], [], []
    for name in ("wikipedia.annotated.csv", "stack-exchange.annotated.csv"):
        with (DATASETS / "stanford_politeness" / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for n in range(1, 6):
                    keys.append((row["Community"], row["Id"]))
                    workers.append(row[f"TurkId{n}"])
                    scores.append(int(row[f"Score{n}"]))
    items, n_items = _index(keys)
    annotators, n_annotators = _index(workers)
    return items, annotators, np.array(scores), n_items, n_annotators


def load_convabuse():
    keys, annotators_raw, severities, seen = [], [], [], set()
    with (DATASETS / "convabuse" / "ConvAbuseEMNLPfull.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["conv_id"], row["prev_agent"], row["prev_user"], row["agent"], row["user"])
            if (key, row["annotator_id"]) in seen:
                continue  # repeated judgement: keep the first
            seen.add((key, row["annotator_id"]))
            keys.append(key)
            annotators_raw.append(row["annotator_id"])
            severities.append(
                next(i for i, s in enumerate(SEVERITIES) if row[f"is_abuse.{s}"] == "1")
            )
    items, n_items = _index(keys)
    annotators, n_annotators = _index(annotators_raw)
    return items, annotators, np.array(severities), n_items, n_annotators


def test_unsmoothed_dawid_skene_reproduces_the_1979_class_marginals_and_map_counts():
    items, observers, labels, _ = load_dawid_skene()
    # The paper's figures are for maximum-likelihood EM, i.e. without the smoothing prior.
    result = dawid_skene(
        items, observers, labels, n_items=45, n_annotators=5, n_classes=4, prior=0.0
    )
    assert np.round(result.marginals, 2).tolist() == [0.40, 0.42, 0.11, 0.07]
    assert np.bincount(result.labels, minlength=4).tolist() == [18, 19, 5, 3]
    uncertain = {
        int(i) + 1: round(float(result.confidence[i]), 2)
        for i in np.nonzero(result.confidence < 0.99)[0]
    }
    assert uncertain == {7: 0.98, 35: 0.95, 38: 0.98}


def test_majority_vote_on_first_replicates_differs_from_the_reference_only_by_one_tie():
    items, _, labels, replicate = load_dawid_skene()
    first = replicate == 1
    counts = count_table(items[first], labels[first], 45, 4)
    # Our rule: a tie goes to the label used more often overall (class 1 here).
    assert np.bincount(majority_vote(counts).labels, minlength=4).tolist() == [19, 18, 6, 2]
    # The dataset README's 18/19/6/2 breaks the single 1-vs-2 tie towards class 2.
    prefer_two = np.array([1, 0, 2, 3])
    assert np.bincount(majority_vote(counts, prefer_two).labels, minlength=4).tolist() == [
        18,
        19,
        6,
        2,
    ]


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_politeness_alpha_matches_the_krippendorff_package(level):
    items, annotators, scores, n_items, n_annotators = load_politeness()
    assert n_items == 4353 + 6603
    counts = count_table(items, scores - 1, n_items, 25)
    ours = krippendorff_alpha(counts, level, np.arange(1, 26)).value
    matrix = _reliability_matrix(items, annotators, scores, n_items, n_annotators)
    assert ours == pytest.approx(krippendorff.alpha(matrix, level_of_measurement=level), abs=1e-9)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_convabuse_alpha_matches_the_krippendorff_package(level):
    items, annotators, severity, n_items, n_annotators = load_convabuse()
    assert n_items == 4185
    assert len(items) == 12768 - 357  # repeated judgements dropped
    counts = count_table(items, severity, n_items, 5)
    ours = krippendorff_alpha(counts, level).value
    matrix = _reliability_matrix(items, annotators, severity, n_items, n_annotators)
    assert ours == pytest.approx(krippendorff.alpha(matrix, level_of_measurement=level), abs=1e-9)


def test_full_report_on_politeness_is_consistent_with_its_parts():
    items, annotators, scores, n_items, n_annotators = load_politeness()
    data = Annotations(
        items, annotators, scores - 1, n_items, [f"w{a}" for a in range(n_annotators)]
    )
    report = build_report(
        data, SchemaSpec("rating", scale=(1, 25), level="interval"), replicates=200
    )
    interval = report["krippendorff_alpha"]["interval"]
    assert report["items"] == n_items
    assert report["annotations"] == 5 * n_items
    assert report["alpha_ci"]["low"] <= interval <= report["alpha_ci"]["high"]
    assert all("kappa_quadratic" in pair for pair in report["cohen_kappa_pairs"])
    assert len(report["per_label"]) == 25
