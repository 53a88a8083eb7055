"""Probability calibration: Platt scaling on the logit, expected calibration error, reliability bins.

Platt scaling (Platt 1999) fits P(outcome) = sigmoid(a * logit(p) + b). Here the
fit is penalised towards the identity map (a = 1, b = 0) with an L2 weight, so
that a handful of gold items nudge the raw probability instead of overriding
it; with many items the data dominate. Pure numpy: arrays in, numbers out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from scipy.special import expit

from review.metrics.tables import FloatArray

# Probabilities are clipped to [EDGE, 1 - EDGE] before the logit. Tiny: a crowd posterior of
# 1e-40 against a label still ranks below one of 1e-20, and Platt keeps that order.
EDGE = 1e-300
DEFAULT_PENALTY = 1.0
DEFAULT_BINS = 10


@dataclass(frozen=True)
class PlattScaling:
    """P = sigmoid(slope * logit(p) + intercept); the identity map is slope 1, intercept 0."""

    slope: float = 1.0
    intercept: float = 0.0

    def apply(self, probabilities: npt.ArrayLike) -> FloatArray:
        """Calibrated probabilities (NaN stays NaN)."""
        z = self.slope * _logit(np.asarray(probabilities, dtype=np.float64)) + self.intercept
        return np.asarray(expit(z), dtype=np.float64)


def _logit(p: FloatArray) -> FloatArray:
    clipped = np.clip(p, EDGE, 1.0 - 1e-16)
    return np.asarray(np.log(clipped) - np.log1p(-clipped), dtype=np.float64)


def platt_fit(
    probabilities: npt.ArrayLike, outcomes: npt.ArrayLike, *, penalty: float = DEFAULT_PENALTY
) -> PlattScaling:
    """Fit Platt scaling of ``probabilities`` to binary ``outcomes`` (L-BFGS).

    Minimises the log loss against Platt's smoothed targets plus ``penalty`` / 2 * ((slope - 1)^2 + intercept^2):
    a MAP fit with a Gaussian prior centred on "the raw probability is already
    calibrated". Non-finite probabilities are ignored; no usable rows give the
    identity map.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(outcomes, dtype=bool)
    keep = np.isfinite(p)
    x = np.column_stack([_logit(p[keep]), np.ones(int(keep.sum()))])
    y = _platt_targets(y[keep])
    identity = np.array([1.0, 0.0])

    def loss(theta: FloatArray) -> tuple[float, FloatArray]:
        z = x @ theta
        # log(1 + e^z) - y z, computed stably; its gradient is (sigmoid(z) - y) x.
        value = np.logaddexp(0.0, z).sum() - y @ z + penalty / 2 * ((theta - identity) ** 2).sum()
        return float(value), x.T @ (expit(z) - y) + penalty * (theta - identity)

    theta = minimize(loss, identity, jac=True, method="L-BFGS-B").x
    return PlattScaling(float(theta[0]), float(theta[1]))


def _platt_targets(outcomes: npt.NDArray[np.bool_]) -> FloatArray:
    """Platt's smoothed targets (N+ + 1) / (N+ + 2) and 1 / (N- + 2) instead of 1 and 0.

    A few gold items are often perfectly separated by the raw score; 0/1 targets
    would then send the slope to infinity. The smoothed targets keep the fit finite
    and say "an event not seen in n tries still has a chance of about 1/(n + 2)".
    """
    positives = int(outcomes.sum())
    negatives = len(outcomes) - positives
    return np.where(outcomes, (positives + 1) / (positives + 2), 1 / (negatives + 2))


@dataclass(frozen=True)
class ReliabilityBin:
    """One bin of a reliability table: [low, high), how many, mean prediction, observed rate."""

    low: float
    high: float
    count: int
    mean_predicted: float | None
    observed: float | None


def reliability_table(
    probabilities: npt.ArrayLike, outcomes: npt.ArrayLike, *, bins: int = DEFAULT_BINS
) -> list[ReliabilityBin]:
    """Equal-width bins over [0, 1] (the last one closed); empty bins have None figures."""
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(outcomes, dtype=np.float64)
    keep = np.isfinite(p)
    p, y = p[keep], y[keep]
    index = np.minimum((p * bins).astype(np.int64), bins - 1)
    table = []
    for b in range(bins):
        inside = index == b
        n = int(inside.sum())
        table.append(
            ReliabilityBin(
                b / bins,
                (b + 1) / bins,
                n,
                float(p[inside].mean()) if n else None,
                float(y[inside].mean()) if n else None,
            )
        )
    return table


def expected_calibration_error(
    probabilities: npt.ArrayLike, outcomes: npt.ArrayLike, *, bins: int = DEFAULT_BINS
) -> float | None:
    """ECE: sum over bins of (share of items) * |mean prediction - observed rate|; None if empty."""
    table = reliability_table(probabilities, outcomes, bins=bins)
    total = sum(row.count for row in table)
    if total == 0:
        return None
    return float(
        sum(
            row.count / total * abs(row.mean_predicted - row.observed)
            for row in table
            if row.count and row.mean_predicted is not None and row.observed is not None
        )
    )
