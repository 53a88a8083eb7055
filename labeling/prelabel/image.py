"""Image backend: a scikit-learn classifier on Pillow-derived features.

Features per image: an 8x8 RGB thumbnail (192 values) and an 8-bin histogram per channel
(24 values), all scaled to [0, 1]; a standardised logistic regression sits on top. Crude, but
it needs no download and gives image projects a first suggestion.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO

import numpy as np
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from PIL import Image
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from labeling.prelabel.base import (
    Backend,
    PrelabelInput,
    Suggestion,
    suggestions_from_probabilities,
)
from labeling.prelabel.labels import value_maker

THUMBNAIL = (8, 8)
HISTOGRAM_BINS = 8
FEATURES = THUMBNAIL[0] * THUMBNAIL[1] * 3 + HISTOGRAM_BINS * 3


def entry_features(entry: PrelabelInput) -> np.ndarray | None:
    """The features of an input's image: from the media storage by name, else by local path."""
    if entry.image_name:
        try:
            with default_storage.open(entry.image_name, "rb") as stored:
                return image_features(stored)
        except (OSError, SuspiciousFileOperation, ValueError):  # gone, or a name leaving it
            return None
    return image_features(entry.image_path) if entry.image_path else None


def image_features(source: str | BinaryIO) -> np.ndarray | None:
    """The feature vector of one image (a path or an open file), or None when unreadable."""
    try:
        with Image.open(source) as raw:
            raw.draft("RGB", (64, 64))  # JPEG: decode at reduced size, much faster
            image = raw.convert("RGB")
            thumb = np.asarray(image.resize(THUMBNAIL, Image.Resampling.BILINEAR), dtype=float)
            pixels = np.asarray(image.resize((32, 32)), dtype=float)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    histograms = [
        np.histogram(pixels[:, :, channel], bins=HISTOGRAM_BINS, range=(0, 256))[0]
        / (32 * 32)
        for channel in range(3)
    ]
    return np.concatenate([thumb.ravel() / 255.0, *histograms])


class ImageBackend(Backend):
    """Logistic regression on thumbnails and colour histograms."""

    name = "image"

    def __init__(self, *, kind: str) -> None:
        super().__init__(kind=kind)
        self.pipeline: Pipeline | None = None

    def fit(self, inputs: Sequence[PrelabelInput], labels: Sequence[str]) -> None:
        """Fit on the readable images; unreadable ones are left out."""
        rows, targets = [], []
        for entry, label in zip(inputs, labels, strict=True):
            features = entry_features(entry)
            if features is not None:
                rows.append(features)
                targets.append(label)
        self.pipeline = Pipeline(
            [("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=2000))]
        )
        self.pipeline.fit(np.vstack(rows) if rows else np.zeros((0, FEATURES)), targets)
        self.classes = [str(cls) for cls in self.pipeline.classes_]

    def predict(self, inputs: Sequence[PrelabelInput]) -> list[Suggestion | None]:
        """A suggestion per readable image; None for items without a readable image."""
        if self.pipeline is None:
            raise RuntimeError("fit() the backend before predict()")
        features = [entry_features(entry) for entry in inputs]
        readable = [index for index, row in enumerate(features) if row is not None]
        results: list[Suggestion | None] = [None] * len(inputs)
        if not readable:
            return results
        matrix = np.vstack([features[index] for index in readable])
        probabilities = self.pipeline.predict_proba(matrix)
        made = suggestions_from_probabilities(probabilities, self.classes, value_maker(self.kind))
        for index, suggestion in zip(readable, made, strict=True):
            results[index] = suggestion
        return results
