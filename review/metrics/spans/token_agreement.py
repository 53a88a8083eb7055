"""Chance-corrected span agreement: Krippendorff's alpha over tokens.

Units are the tokens of every item with two or more annotations; each
annotation gives each token of its item one nominal value, "O" or a label (see
tokens.py). The coefficient is the ordinary nominal alpha of Krippendorff
(2011) over that reliability data, so review.metrics.alpha computes it from the
token-by-code count table. It is checked against the ``krippendorff`` package
on the same reliability matrix (tests/test_metrics_spans.py). This is the
token-level alpha, not Krippendorff's unitizing alpha (alpha_u): it ignores
where exactly inside a token a span starts, and counts long "O" stretches as
agreement, which alpha's expected disagreement then discounts.
"""

from __future__ import annotations

import numpy as np

from review.metrics.alpha import krippendorff_alpha
from review.metrics.results import Metric
from review.metrics.spans.tokens import OUTSIDE, Tokens
from review.metrics.tables import FloatArray, IntArray


def token_alpha(counts: IntArray) -> Metric:
    """Nominal alpha over all tokens and codes ("O" plus each label); None when undefined."""
    return krippendorff_alpha(counts, "nominal")


def presence_alpha(counts: IntArray) -> Metric:
    """Nominal alpha of "inside any span" vs "O", ignoring which label: do raters mark the same text?"""
    inside = counts[:, 1:].sum(axis=1)
    return krippendorff_alpha(np.stack([counts[:, OUTSIDE], inside], axis=1), "nominal")


def item_token_alpha(counts: IntArray, tokens: Tokens, n_items: int) -> FloatArray:
    """Nominal token alpha of each item on its own tokens; NaN when undefined.

    Vectorised form of alpha = 1 - (n - 1) * sum_u D_u / (n^2 - sum_c n_c^2), with
    D_u = (m_u^2 - sum_c n_uc^2) / (m_u - 1) the disagreeing pairs of unit u.
    NaN for items with fewer than two annotations or no variation (e.g. no span at all).
    """
    m = counts.sum(axis=1).astype(np.float64)
    pairable = m >= 2
    c = counts[pairable].astype(np.float64)
    items = tokens.items[pairable]
    mu = m[pairable]
    unit_disagreement = (mu**2 - (c**2).sum(axis=1)) / (mu - 1.0)
    observed = np.bincount(items, weights=unit_disagreement, minlength=n_items)
    n = np.bincount(items, weights=mu, minlength=n_items)
    width = counts.shape[1]
    marginals = np.zeros((n_items, width))
    _add_rows(marginals, items, c)
    expected = n**2 - (marginals**2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1.0 - (n - 1.0) * observed / expected, np.nan)


def _add_rows(target: FloatArray, index: IntArray, rows: FloatArray) -> None:
    """target[index] += rows with repeated indices, column by column (faster than np.add.at)."""
    for column in range(rows.shape[1]):
        target[:, column] += np.bincount(index, weights=rows[:, column], minlength=len(target))


def item_token_agreement(counts: IntArray, tokens: Tokens, n_items: int) -> FloatArray:
    """Per item, the mean over its tokens of the share of agreeing annotation pairs; NaN if <2 annotations."""
    m = counts.sum(axis=1).astype(np.float64)
    pairable = m >= 2
    c = counts[pairable].astype(np.float64)
    mu = m[pairable]
    agreeing = (c * (c - 1.0)).sum(axis=1) / (mu * (mu - 1.0))
    items = tokens.items[pairable]
    sums = np.bincount(items, weights=agreeing, minlength=n_items)
    sizes = np.bincount(items, minlength=n_items)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sizes > 0, sums / np.where(sizes > 0, sizes, 1), np.nan)
