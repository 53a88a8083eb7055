"""The inputs of a project report: the schema and long-form annotations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from review.metrics.alpha import Level
from review.metrics.tables import IntArray

Kind = Literal["single", "multi", "rating", "spans", "boxes"]


@dataclass(frozen=True)
class SchemaSpec:
    """What the report needs of a label schema.

    single/multi: ``labels`` in schema order (codes index into it).
    rating: ``scale`` (min, max) inclusive; codes are ``rating - min``;
    ``level`` is the declared level of measurement.
    """

    kind: Kind
    labels: Sequence[str] = ()
    scale: tuple[int, int] | None = None
    level: Level = "interval"

    @property
    def n_values(self) -> int:
        """Number of codes: labels for single/multi, scale points for rating."""
        if self.kind == "rating" and self.scale is not None:
            return self.scale[1] - self.scale[0] + 1
        return len(self.labels)

    @property
    def value_names(self) -> list[str]:
        """Display name of each code."""
        if self.kind == "rating" and self.scale is not None:
            return [str(v) for v in range(self.scale[0], self.scale[1] + 1)]
        return list(self.labels)

    @property
    def scale_values(self) -> npt.NDArray[np.float64]:
        """Numeric value of each code (rating points; 0..K-1 otherwise)."""
        if self.kind == "rating" and self.scale is not None:
            return np.arange(self.scale[0], self.scale[1] + 1, dtype=np.float64)
        return np.arange(self.n_values, dtype=np.float64)


@dataclass(frozen=True)
class Annotations:
    """Long-form annotations: row r is annotator ``annotators[r]`` labelling item ``items[r]``.

    ``codes`` holds the value code (single, rating); for multi, ``indicators``
    is a (rows, labels) boolean matrix and ``codes`` is ignored. ``gold`` is a
    per-item code (-1 when the item is not gold). ``groups`` maps a grouping
    name (e.g. "guideline_version", "week") to one key per row.
    """

    items: IntArray
    annotators: IntArray
    codes: IntArray
    n_items: int
    annotator_names: Sequence[str]
    indicators: npt.NDArray[np.bool_] | None = None
    gold: IntArray | None = None
    groups: Mapping[str, npt.NDArray[np.generic]] = field(default_factory=dict)

    @property
    def n_annotators(self) -> int:
        """Number of annotator slots (names), used or not."""
        return len(self.annotator_names)
