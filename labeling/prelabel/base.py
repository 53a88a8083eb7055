"""The pre-labeling backend interface.

A backend is fitted on (inputs, class labels) and predicts one Suggestion per input. Class
labels are strings (see labeling.prelabel.labels); a suggestion carries the annotation value
in the project's contract, a score (probability of the top class), the margin between the top
two class probabilities (low = uncertain, used by active learning) and all class probabilities.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class PrelabelInput:
    """What a backend sees of an item: its id, data, text and image (a storage name or a path)."""

    item_id: int
    data: dict[str, Any]
    text: str = ""
    image_path: str | None = None  # a local file (tests, tools)
    image_name: str | None = None  # a file in the media storage (items), read through it
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class Suggestion:
    """One prediction: value in the project's contract, score and margin in [0, 1]."""

    value: dict[str, Any]
    score: float | None
    margin: float | None
    probabilities: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


class Backend(ABC):
    """Fit on labeled inputs, predict suggestions. Subclasses must be picklable by joblib."""

    name: str = ""
    trainable: bool = True

    def __init__(self, *, kind: str) -> None:
        self.kind = kind
        self.classes: list[str] = []

    @abstractmethod
    def fit(self, inputs: Sequence[PrelabelInput], labels: Sequence[str]) -> None:
        """Train on inputs and their class labels (strings)."""

    @abstractmethod
    def predict(self, inputs: Sequence[PrelabelInput]) -> list[Suggestion | None]:
        """One suggestion per input, or None where the backend cannot say anything."""


def suggestions_from_probabilities(
    probabilities: np.ndarray, classes: Sequence[str], to_value: Any
) -> list[Suggestion | None]:
    """Turn an (n, k) probability matrix into suggestions: top class, its score, top1 - top2."""
    suggestions: list[Suggestion | None] = []
    if probabilities.size == 0:
        return suggestions
    order = np.argsort(-probabilities, axis=1)
    rows = np.arange(probabilities.shape[0])
    top = probabilities[rows, order[:, 0]]
    second = probabilities[rows, order[:, 1]] if probabilities.shape[1] > 1 else np.zeros_like(top)
    for index in rows:
        best = classes[int(order[index, 0])]
        suggestions.append(
            Suggestion(
                value=to_value(best),
                score=round(float(top[index]), 6),
                margin=round(float(top[index] - second[index]), 6),
                probabilities={
                    cls: round(float(p), 6) for cls, p in zip(classes, probabilities[index], strict=True)
                },
            )
        )
    return suggestions
