"""Count-table figures over distinct rows with multiplicities, for very tall tables.

A token table has a row per token (a million for 33,000 short texts) but only a
few dozen distinct rows: with three annotators and five codes most tokens read
[3, 0, 0, 0, 0]. Every figure here is a sum over units, so it equals the figure
of review.metrics.alpha / kappa / agreement on the full table when each distinct
row counts as many times as it occurs (tests check the equality).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from review.metrics.alpha import alpha_from_coincidences, difference_matrix
from review.metrics.bootstrap import distinct_rows
from review.metrics.results import NO_ITEMS, NO_VARIATION, Metric
from review.metrics.tables import FloatArray, IntArray


@dataclass(frozen=True)
class Patterns:
    """Distinct count ``rows`` and how often each occurs (``weights``)."""

    rows: IntArray
    weights: FloatArray

    @classmethod
    def of(cls, counts: IntArray) -> Patterns:
        """Compress a unit-by-value count table."""
        rows, freq = distinct_rows(counts)
        return cls(rows, freq.astype(np.float64))

    def merge_columns(self, groups: list[list[int]]) -> Patterns:
        """The table with the columns of each group summed into one (e.g. any label vs "O")."""
        merged = np.stack([self.rows[:, g].sum(axis=1) for g in groups], axis=1)
        return Patterns(merged, self.weights)

    def _pairable(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Rows with two or more values: (rows, their totals, weights)."""
        totals = self.rows.sum(axis=1)
        keep = totals >= 2
        return (
            self.rows[keep].astype(np.float64),
            totals[keep].astype(np.float64),
            self.weights[keep],
        )

    def nominal_alpha(self) -> Metric:
        """Krippendorff's nominal alpha (weighted coincidences, then review.metrics.alpha)."""
        rows, totals, weights = self._pairable()
        scaled = rows * (weights / (totals - 1.0))[:, None]
        o = scaled.T @ rows - np.diag(scaled.sum(axis=0))
        return alpha_from_coincidences(o, difference_matrix("nominal", np.arange(rows.shape[1])))

    def observed_agreement(self) -> float | None:
        """Mean share of agreeing ordered pairs over units with two or more values."""
        rows, m, weights = self._pairable()
        if not weights.sum():
            return None
        shares = (rows * (rows - 1.0)).sum(axis=1) / (m * (m - 1.0))
        return float((shares * weights).sum() / weights.sum())

    def category_shares(self) -> FloatArray:
        """pi_k: the mean over rated units of the share of values in category k."""
        totals = self.rows.sum(axis=1)
        rated = totals >= 1
        shares = self.rows[rated] / totals[rated, None]
        mean: FloatArray = (shares * self.weights[rated, None]).sum(axis=0) / self.weights[rated].sum()
        return mean

    def percent_agreement(self) -> Metric:
        """As review.metrics.kappa.percent_agreement."""
        observed = self.observed_agreement()
        return Metric.undefined(NO_ITEMS) if observed is None else Metric.of(observed)

    def fleiss_kappa(self) -> Metric:
        """As review.metrics.kappa.fleiss_kappa (Gwet's generalisation)."""
        observed = self.observed_agreement()
        if observed is None:
            return Metric.undefined(NO_ITEMS)
        chance = float((self.category_shares() ** 2).sum())
        if chance >= 1.0 - 1e-12:
            return Metric.undefined(NO_VARIATION)
        return Metric.of((observed - chance) / (1.0 - chance))

    def gwet_ac1(self, n_categories: int) -> Metric:
        """As review.metrics.kappa.gwet_ac1 over ``n_categories`` declared categories."""
        observed = self.observed_agreement()
        if observed is None:
            return Metric.undefined(NO_ITEMS)
        if n_categories < 2:
            return Metric.undefined("fewer than two categories")
        shares = self.category_shares()
        chance = float((shares * (1.0 - shares)).sum() / (n_categories - 1))
        return Metric.of((observed - chance) / (1.0 - chance))

    def one_vs_rest(self) -> list[dict[str, Metric]]:
        """As review.metrics.agreement.one_vs_rest: per value, binary alpha and specific agreement."""
        width = self.rows.shape[1]
        result = []
        for c in range(width):
            rest = [k for k in range(width) if k != c]
            binary = self.merge_columns([rest, [c]])
            rows, m, weights = binary._pairable()
            value = rows[:, 1]
            agree = (weights * value * (value - 1.0)).sum()
            possible = (weights * value * (m - 1.0)).sum()
            specific = (
                Metric.of(agree / possible)
                if possible > 0
                else Metric.undefined("label never used on a shared item")
            )
            if not len(rows):
                specific = Metric.undefined(NO_ITEMS)
            result.append({"alpha": binary.nominal_alpha(), "specific_agreement": specific})
        return result
