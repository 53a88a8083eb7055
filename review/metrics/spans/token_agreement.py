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

from review.metrics.patterns import Patterns
from review.metrics.results import Metric
from review.metrics.spans.tokens import OUTSIDE, Tokens
from review.metrics.tables import FloatArray, IntArray


def token_alpha(counts: IntArray) -> Metric:
    """Nominal alpha over all tokens and codes ("O" plus each label); None when undefined."""
    return Patterns.of(counts).nominal_alpha()


def presence_alpha(counts: IntArray) -> Metric:
    """Nominal alpha of "inside any span" vs "O", ignoring which label: do raters mark the same text?"""
    patterns = Patterns.of(counts)
    return patterns.merge_columns([[OUTSIDE], list(range(1, counts.shape[1]))]).nominal_alpha()


def item_token_figures(
    counts: IntArray, tokens: Tokens, n_items: int
) -> tuple[FloatArray, FloatArray]:
    """Per item: nominal token alpha on its own tokens, and mean share of agreeing pairs per token.

    Alpha is the vectorised form of 1 - (n - 1) * sum_u D_u / (n^2 - sum_c n_c^2), with
    D_u = (m_u^2 - sum_c n_uc^2) / (m_u - 1) the disagreeing pairs of token u; NaN for items
    with fewer than two annotations or no variation (e.g. no span at all). The agreement is
    sum_c n_uc (n_uc - 1) / (m_u (m_u - 1)) averaged over the item's tokens; NaN below two annotations.
    """
    m = counts.sum(axis=1)
    squares = np.einsum("ij,ij->i", counts, counts)
    pairable = m >= 2
    items, mu, sq = tokens.items[pairable], m[pairable].astype(np.float64), squares[pairable]
    disagreeing = (mu * mu - sq) / (mu - 1.0)
    agreeing = (sq - mu) / (mu * (mu - 1.0))
    observed = np.bincount(items, weights=disagreeing, minlength=n_items)
    n = np.bincount(items, weights=mu, minlength=n_items)
    size = np.bincount(items, minlength=n_items)
    marginal_squares = np.zeros(n_items)
    for column in range(counts.shape[1]):
        marginal = np.bincount(items, weights=counts[pairable, column], minlength=n_items)
        marginal_squares += marginal * marginal
    expected = n * n - marginal_squares
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(expected > 0, 1.0 - (n - 1.0) * observed / expected, np.nan)
        agreement = np.where(
            size > 0,
            np.bincount(items, weights=agreeing, minlength=n_items) / np.maximum(size, 1),
            np.nan,
        )
    return alpha, agreement
