"""Spans and boxes as units of one class each: competence, Dawid-Skene and p_wrong over them.

A spans item is cut into segments (runs of tokens every annotation labels alike) and a boxes
item into clusters of matched boxes; each annotation of the item gives each unit one code:
0 for "nothing there" ("O" / "absent") or label + 1. These units are ordinary single-label
data, so the single-label machinery applies unchanged: MACE competence
(review.metrics.competence), Dawid-Skene (review.metrics.dawid_skene) and p_wrong
(review.metrics.risk.item_risk). An item's aggregate is right only when all its units are,
so, taking units as independent, p_wrong(item) = 1 - prod over its units of (1 - p_wrong(unit)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from review.metrics.competence import annotator_competence
from review.metrics.dawid_skene import dawid_skene
from review.metrics.layout import expand
from review.metrics.method_choice import default_method
from review.metrics.risk import item_risk
from review.metrics.tables import FloatArray, IntArray

NOTHING = 0  # unit code "no span / no box here"; label c has code c + 1


@dataclass(frozen=True)
class UnitLabels:
    """One row per (unit, annotation of the unit's item): unit, annotator, code."""

    units: IntArray
    annotators: IntArray
    codes: IntArray
    unit_items: IntArray  # item index of each unit
    n_annotators: int
    n_classes: int  # labels + 1

    @property
    def n_units(self) -> int:
        """Number of units."""
        return len(self.unit_items)

    def sizes(self) -> dict[str, int]:
        """The n_items / n_annotators / n_classes keywords of the EM functions (items = units)."""
        return {
            "n_items": self.n_units,
            "n_annotators": self.n_annotators,
            "n_classes": self.n_classes,
        }


def unit_rows(
    unit_items: IntArray, item_rows: tuple[IntArray, IntArray], n_items: int
) -> tuple[IntArray, IntArray]:
    """Every (unit, annotation row of the unit's item) pair, as (unit, annotation row).

    ``item_rows`` is (item index, annotator) per annotation row; the rows come back grouped by
    unit in annotation-row order, one per annotation of the unit's item.
    """
    items = item_rows[0]
    members = np.argsort(items, kind="stable")
    size = np.bincount(items, minlength=n_items)
    start = np.cumsum(size) - size
    unit, offset = expand(size[unit_items])
    return unit, members[start[unit_items[unit]] + offset]


def unit_method(method: str, labels: UnitLabels) -> str:
    """ "majority" or "dawid_skene" as set; for anything else ("auto") the one the units support
    (review.metrics.method_choice over the annotators' unit labels)."""
    if method in ("majority", "dawid_skene"):
        return method
    return default_method(labels.annotators, n_classes=labels.n_classes).method


def unit_competence(labels: UnitLabels) -> FloatArray:
    """MACE competence (0..1) per annotator index over the units; 1.0 with no units at all."""
    if not len(labels.units):
        return np.ones(labels.n_annotators)
    result = annotator_competence(labels.units, labels.annotators, labels.codes, **labels.sizes())
    return np.asarray(result.competence, dtype=np.float64)


def unit_posteriors(labels: UnitLabels) -> FloatArray:
    """Dawid-Skene posteriors (units, classes) over the units (zeros for units without rows)."""
    result = dawid_skene(labels.units, labels.annotators, labels.codes, **labels.sizes())
    return np.nan_to_num(result.posteriors)


def item_p_wrong(
    labels: UnitLabels, current: npt.ArrayLike, n_items: int
) -> tuple[FloatArray, str]:
    """p_wrong per item and the calibration used, from the units' current codes.

    ``current`` holds the code the item's aggregate gives each unit. Units go through
    review.metrics.risk.item_risk (smoothed Dawid-Skene, "posterior" calibration: no gold
    enters at unit level); an item's figure combines its units as in the module docstring.
    Items without units get 0.0 (nothing drawn by anyone: nothing to get wrong).
    """
    if not len(labels.units):
        return np.zeros(n_items), "posterior"
    codes = np.asarray(current, dtype=np.int64)
    result = item_risk(
        labels.units,
        labels.annotators,
        labels.codes,
        sizes=labels.sizes(),
        labels=codes,
        temper=False,
    )
    unit_risk = np.clip(np.nan_to_num(result.p_wrong), 0.0, 1.0)
    return combine_unit_risk(labels.unit_items, unit_risk, n_items), result.calibration


def combine_unit_risk(unit_items: IntArray, unit_risk: FloatArray, n_items: int) -> FloatArray:
    """1 - prod over each item's units of (1 - p_wrong(unit)); 0.0 for items without units.

    Summed in log space so that many tiny unit risks add up instead of rounding away.
    """
    safe = np.minimum(np.asarray(unit_risk, dtype=np.float64), 1 - 1e-15)
    log_right = np.bincount(unit_items, weights=np.log1p(-safe), minlength=n_items)
    return np.minimum(1.0, -np.expm1(log_right)) + 0.0


@dataclass(frozen=True)
class RegionResults:
    """Per item index: the aggregated value, its confidence, agreement and p_wrong.

    ``values[u]`` has the annotation shape ({"spans": [...]} or {"boxes": [...]}) with a
    "confidence" on each part; ``confidence`` is the product of the item's unit confidences
    (1.0 when nobody drew anything); ``agreement`` the item's F1 (NaN when undefined);
    ``p_wrong`` None unless asked for. ``method`` is "majority" or "dawid_skene".
    """

    values: list[dict[str, object]]
    confidence: FloatArray
    agreement: FloatArray
    p_wrong: FloatArray | None
    method: str


def item_confidence(unit_items: IntArray, unit_confidence: FloatArray, n_items: int) -> FloatArray:
    """Product of each item's unit confidences (1.0 for items without units)."""
    logs = np.log(np.clip(unit_confidence, 1e-300, 1.0))
    return np.exp(np.bincount(unit_items, weights=logs, minlength=n_items))


def unit_decision(
    labels: UnitLabels, method: str, weights: FloatArray | None
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Per unit: winning code, its share of the (weighted) votes or its posterior, and the
    (units, classes) table behind them. Vote ties go to NOTHING, then the lowest label."""
    table: FloatArray
    if method == "dawid_skene":
        table = unit_posteriors(labels)
    else:
        w = np.ones(labels.n_annotators) if weights is None else weights
        flat = labels.units * labels.n_classes + labels.codes
        votes = np.bincount(
            flat, weights=w[labels.annotators], minlength=labels.n_units * labels.n_classes
        )
        table = votes.astype(np.float64).reshape(labels.n_units, labels.n_classes)
    winner = table.argmax(axis=1) if labels.n_units else np.zeros(0, dtype=np.int64)
    total = table.sum(axis=1)
    picked = table[np.arange(labels.n_units), winner]
    share = np.where(total > 0, picked / np.where(total > 0, total, 1.0), 0.0)
    return winner.astype(np.int64), share, table
