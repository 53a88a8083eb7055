"""The plain inputs every detector reads: one item's facts and a few project-wide figures.

Services build these from the database; detectors never touch Django, so tests construct them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Value = dict[str, Any]
# (severity in 0..1, details for the reviewer); a detector returns None when it does not fire.
Detection = tuple[float, dict[str, Any]]


@dataclass(frozen=True)
class AnnotationFact:
    annotator_id: int
    value: Value
    unsure: bool = False
    comment: str = ""


@dataclass(frozen=True)
class PredictionFact:
    model_version: str
    value: Value
    score: float | None = None
    # Class probabilities {label: p}, when the backend stored them (out-of-sample, ideally).
    probabilities: dict[str, float] | None = None


@dataclass(frozen=True)
class ItemFacts:
    annotations: tuple[AnnotationFact, ...] = ()
    target_overlap: int = 3
    agreement: float | None = None
    aggregate: Value | None = None
    aggregate_confidence: float | None = None
    is_gold: bool = False
    gold_value: Value | None = None
    predictions: tuple[PredictionFact, ...] = ()
    # Probability that the current label is wrong (the project run's figure; None before one).
    p_wrong: float | None = None

    @property
    def has_overlap(self) -> bool:
        """True once the item carries as many labels as it was meant to get."""
        return len(self.annotations) >= self.target_overlap


@dataclass(frozen=True)
class ProjectFacts:
    # Share of each label among the project's aggregated labels, and how many items that covers.
    label_shares: dict[str, float] = field(default_factory=dict)
    labeled_items: int = 0
    # Confident-learning thresholds: mean predicted probability of class j over items labeled j.
    class_thresholds: dict[str, float] = field(default_factory=dict)
    # The review budget's cut: the lowest p_wrong the budget admits (None: no project run yet).
    risk_cut: float | None = None
    # Why the model detectors are off (no usable model, or one no better than the majority
    # baseline in cross-validation); None when they may run.
    model_skipped: str | None = None
