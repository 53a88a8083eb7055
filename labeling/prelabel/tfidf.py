"""Text backend: TF-IDF word and bigram features with a logistic regression (scikit-learn)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from labeling.prelabel.base import (
    Backend,
    PrelabelInput,
    Suggestion,
    suggestions_from_probabilities,
)
from labeling.prelabel.labels import value_maker, value_of

MAX_FEATURES = 50_000
THRESHOLD = 0.5  # multi: a label is suggested when its one-vs-rest probability reaches this


class TfidfBackend(Backend):
    """Logistic regression on sublinear TF-IDF of words and word pairs (one-vs-rest for multi)."""

    name = "tfidf"

    def __init__(self, *, kind: str) -> None:
        super().__init__(kind=kind)
        self.pipeline: Pipeline | None = None
        self.binarizer: MultiLabelBinarizer | None = None

    def fit(self, inputs: Sequence[PrelabelInput], labels: Sequence[str]) -> None:
        """Fit the vectorizer and classifier on the inputs' text."""
        self.pipeline = Pipeline(
            [
                (
                    "tfidf",
                    TfidfVectorizer(
                        ngram_range=(1, 2), sublinear_tf=True, max_features=MAX_FEATURES, min_df=1
                    ),
                ),
                ("clf", self._classifier()),
            ]
        )
        targets: Any = list(labels)
        if self.kind == "multi":
            # One yes/no model per label (one-vs-rest) instead of one class per label set.
            self.binarizer = MultiLabelBinarizer()
            targets = self.binarizer.fit_transform([value_of("multi", t)["labels"] for t in labels])
        with warnings.catch_warnings():
            # An unconverged fit on a handful of labels is still a usable first suggester.
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", UserWarning)  # a label present in every item
            self.pipeline.fit([entry.text for entry in inputs], targets)
        source = self.binarizer.classes_ if self.binarizer is not None else self.pipeline.classes_
        self.classes = [str(cls) for cls in source]

    def _classifier(self) -> Any:
        model = LogisticRegression(solver="saga", max_iter=1000, tol=1e-3, C=4.0)
        return OneVsRestClassifier(model) if self.kind == "multi" else model

    def predict(self, inputs: Sequence[PrelabelInput]) -> list[Suggestion | None]:
        """Top class, its probability and the top-two margin for each text."""
        if self.pipeline is None:
            raise RuntimeError("fit() the backend before predict()")
        if not inputs:
            return []
        probabilities = self.pipeline.predict_proba([entry.text for entry in inputs])
        if self.kind == "multi":
            return [self._label_set(row) for row in probabilities]
        return suggestions_from_probabilities(probabilities, self.classes, value_maker(self.kind))

    def _label_set(self, row: np.ndarray) -> Suggestion:
        """Labels with probability >= 0.5; the margin is the distance of the closest call to 0.5
        (doubled to [0, 1]), so one uncertain label makes the item uncertain."""
        chosen = [label for label, p in zip(self.classes, row, strict=True) if p >= THRESHOLD]
        certainty = np.abs(row - THRESHOLD) * 2
        return Suggestion(
            value={"labels": chosen},
            score=round(float(np.mean(np.maximum(row, 1 - row))), 6),
            margin=round(float(certainty.min()), 6),
            probabilities={label: round(float(p), 6) for label, p in zip(self.classes, row, strict=True)},
        )
