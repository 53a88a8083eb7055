"""Text backend: TF-IDF word and bigram features with a logistic regression (scikit-learn)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from labeling.prelabel.base import (
    Backend,
    PrelabelInput,
    Suggestion,
    suggestions_from_probabilities,
)
from labeling.prelabel.labels import value_maker

MAX_FEATURES = 50_000


class TfidfBackend(Backend):
    """Multinomial logistic regression on sublinear TF-IDF of words and word pairs."""

    name = "tfidf"

    def __init__(self, *, kind: str) -> None:
        super().__init__(kind=kind)
        self.pipeline: Pipeline | None = None

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
                ("clf", LogisticRegression(solver="saga", max_iter=1000, tol=1e-3, C=4.0)),
            ]
        )
        with warnings.catch_warnings():
            # An unconverged fit on a handful of labels is still a usable first suggester.
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.pipeline.fit([entry.text for entry in inputs], list(labels))
        self.classes = [str(cls) for cls in self.pipeline.classes_]

    def predict(self, inputs: Sequence[PrelabelInput]) -> list[Suggestion | None]:
        """Top class, its probability and the top-two margin for each text."""
        if self.pipeline is None:
            raise RuntimeError("fit() the backend before predict()")
        if not inputs:
            return []
        probabilities = self.pipeline.predict_proba([entry.text for entry in inputs])
        return suggestions_from_probabilities(probabilities, self.classes, value_maker(self.kind))
