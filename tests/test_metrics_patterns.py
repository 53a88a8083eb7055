"""Figures over distinct rows with multiplicities equal the same figures over the full table (no DB)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review.metrics.agreement import one_vs_rest
from review.metrics.alpha import krippendorff_alpha
from review.metrics.kappa import fleiss_kappa, gwet_ac1, percent_agreement
from review.metrics.patterns import Patterns

tables = st.integers(0, 2**32 - 1).map(
    lambda seed: np.random.default_rng(seed).integers(0, 3, size=(60, 4))
)


def same(a, b) -> bool:
    return (a.value is None and b.value is None) or a.value == pytest.approx(b.value, abs=1e-9)


@settings(max_examples=80, deadline=None)
@given(tables)
def test_pattern_figures_equal_the_full_table_figures(counts):
    patterns = Patterns.of(counts)
    assert len(patterns.rows) <= len(counts)
    assert same(patterns.nominal_alpha(), krippendorff_alpha(counts, "nominal"))
    assert same(patterns.percent_agreement(), percent_agreement(counts))
    assert same(patterns.fleiss_kappa(), fleiss_kappa(counts))
    assert same(patterns.gwet_ac1(4), gwet_ac1(counts, 4))
    for ours, theirs in zip(patterns.one_vs_rest(), one_vs_rest(counts), strict=True):
        assert same(ours["alpha"], theirs["alpha"])
        assert same(ours["specific_agreement"], theirs["specific_agreement"])


def test_a_million_token_table_compresses_to_its_distinct_rows():
    counts = np.tile(np.array([[3, 0, 0], [2, 1, 0], [0, 3, 0]]), (400_000, 1))
    patterns = Patterns.of(counts)
    assert len(patterns.rows) == 3
    assert patterns.weights.tolist() == [400_000.0] * 3
    assert patterns.nominal_alpha().value == pytest.approx(krippendorff_alpha(counts).value)


def test_merging_columns_gives_the_binary_table():
    counts = np.array([[2, 1, 0], [0, 1, 1], [3, 0, 0]])
    merged = Patterns.of(counts).merge_columns([[0], [1, 2]])
    expected = krippendorff_alpha(np.stack([counts[:, 0], counts[:, 1:].sum(axis=1)], axis=1))
    assert merged.nominal_alpha().value == pytest.approx(expected.value)
