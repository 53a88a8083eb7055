"""A k-fold model for the crowd simulator, trained as Accord trains one (helper of quality_sim.py).

Items get synthetic features (class mean * separation + unit Gaussian noise, 8 dims). The
model learns the crowd's current labels (the Dawid-Skene aggregate, noise included, as
labeling.prelabel.training does), and every item's probabilities come from the fold model
that did not see it (sklearn cross_val_predict, 5 stratified folds). Its cross-validated
accuracy is compared with the majority-class baseline on the same labels; a model that does
not beat it (by labeling.prelabel.baseline_gate's margin) is not used
(review.services.model_evidence), so p_wrong stays the crowd's.
The two model detectors run on the held-out probabilities exactly as in review.flags.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline

from labeling.prelabel.baseline_gate import beats_baseline
from review.flags import (
    ItemFacts,
    PredictionFact,
    ProjectFacts,
    flag_config,
    likely_error,
    model_disagrees,
)

DIMENSIONS = 8
FOLDS = 5


@dataclass(frozen=True)
class FoldModel:
    """Out-of-fold probabilities (n, k), CV accuracy against the labels, the baseline's."""

    probabilities: np.ndarray
    accuracy: float
    baseline: float

    @property
    def beats_baseline(self) -> bool:
        return beats_baseline(self.accuracy, self.baseline, len(self.probabilities))

    def gate_line(self) -> str:
        verdict = "used" if self.beats_baseline else "SKIPPED (not clearly better than the baseline)"
        return (
            f"   k-fold model: cv accuracy {self.accuracy:.3f} vs majority baseline "
            f"{self.baseline:.3f} on the crowd's labels -> {verdict}"
        )


def features(truth: np.ndarray, k: int, separation: float, rng: np.random.Generator) -> np.ndarray:
    """Class-dependent Gaussian features; separation 0 carries no signal at all."""
    means = rng.normal(size=(k, DIMENSIONS))
    return means[truth] * separation + rng.normal(size=(len(truth), DIMENSIONS))


def text_estimator() -> Pipeline:
    """The text backend's model (labeling.prelabel.tfidf): TF-IDF words and pairs, logistic."""
    return Pipeline(
        [
            ("tfidf", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
            ("clf", LogisticRegression(solver="saga", max_iter=1000, tol=1e-3, C=4.0)),
        ]
    )


def fold_model(x, labels: np.ndarray, k: int, estimator=None) -> FoldModel:
    """Out-of-fold probabilities of `estimator` (default a logistic regression) fitted on
    `labels` (codes 0..k-1); `x` is a feature matrix or, for a text pipeline, a list of texts."""
    counts = np.bincount(labels, minlength=k)
    smallest = int(counts[counts > 0].min())
    # The product's folds (labeling.prelabel.training._splitter).
    folds = (
        StratifiedKFold(n_splits=min(FOLDS, smallest), shuffle=True, random_state=0)
        if smallest >= 2
        else KFold(n_splits=min(FOLDS, len(labels)), shuffle=True, random_state=0)
    )
    present = np.unique(labels)
    model = estimator if estimator is not None else LogisticRegression(max_iter=1000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tiny folds: missing classes, unconverged fits
        raw = cross_val_predict(model, x, labels, cv=folds, method="predict_proba")
    probabilities = np.zeros((len(labels), k))
    probabilities[:, present] = raw
    accuracy = float((probabilities.argmax(axis=1) == labels).mean())
    baseline = 0.0
    for train, test in folds.split(np.zeros(len(labels)), labels):
        majority = np.bincount(labels[train]).argmax()
        baseline += float((labels[test] == majority).sum())
    return FoldModel(probabilities, accuracy, baseline / len(labels))


def detector_hits(probabilities: np.ndarray, labels: np.ndarray) -> dict[str, np.ndarray]:
    """Which items each model detector flags (review.flags, default settings)."""
    names = [str(c) for c in range(probabilities.shape[1])]
    rows = [dict(zip(names, map(float, row), strict=True)) for row in probabilities]
    given = [names[c] for c in labels]
    project = ProjectFacts(class_thresholds=likely_error.class_thresholds(zip(given, rows, strict=True)))
    hits: dict[str, list[bool]] = {"likely_error": [], "model_disagrees": []}
    for label, row in zip(given, rows, strict=True):
        top = max(row, key=lambda name: row[name])
        facts = ItemFacts(
            aggregate={"label": label},
            predictions=(PredictionFact("sim", {"label": top}, row[top], row),),
        )
        for reason in hits:
            detector = likely_error.detect if reason == "likely_error" else model_disagrees.detect
            hits[reason].append(detector(facts, project, flag_config({}, reason)) is not None)
    return {reason: np.asarray(found) for reason, found in hits.items()}


def detector_line(hits: dict[str, np.ndarray], wrong: np.ndarray) -> str:
    """Per detector: items flagged, and the share of wrong labels among them / caught."""
    parts = []
    for reason, flagged in hits.items():
        precision = float(wrong[flagged].mean()) if flagged.any() else float("nan")
        caught = float(flagged[wrong].mean()) if wrong.any() else float("nan")
        parts.append(
            f"{reason}: {int(flagged.sum())} flagged, {precision:.2f} of them wrong, "
            f"{caught:.2f} of wrong labels"
        )
    return "   detectors (held-out) - " + "; ".join(parts)
