"""Agreement metrics against published worked examples and reference libraries (no DB)."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from review.metrics.agreement import item_agreement, item_entropy, one_vs_rest
from review.metrics.alpha import krippendorff_alpha
from review.metrics.bootstrap import (
    _replicate_alphas,
    _replicate_coincidences,
    alpha_bootstrap_ci,
    distinct_rows,
)
from review.metrics.grouping import grouped_alpha
from review.metrics.kappa import (
    cohen_kappas,
    fleiss_kappa,
    gwet_ac1,
    pair_table,
    percent_agreement,
)
from review.metrics.results import NO_ITEMS, NO_VARIATION
from review.metrics.sets import set_alpha
from review.metrics.tables import count_table

NAN = np.nan
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 observers x 12 units.
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
)
# Fleiss (1971) Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses (as in R irr::diagnoses).
FLEISS_1971 = np.array(
    [
        [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
        [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
        [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
        [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
        [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
        [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
    ]
)  # fmt: skip


def long_form(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(items, annotators, values) from an annotators x items matrix with NaN for missing."""
    annotators, items = np.nonzero(~np.isnan(matrix))
    return items, annotators, matrix[annotators, items].astype(int)


def krippendorff_counts() -> np.ndarray:
    items, _, values = long_form(KRIPPENDORFF_2011)
    return count_table(items, values - 1, 12, 5)


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_matches_krippendorff_2011_worked_example(level, published):
    alpha = krippendorff_alpha(krippendorff_counts(), level, np.arange(1, 6)).value
    assert round(alpha, 3) == published
    reference = krippendorff.alpha(KRIPPENDORFF_2011, level_of_measurement=level)
    assert alpha == pytest.approx(reference, abs=1e-12)


def test_fleiss_kappa_matches_fleiss_1971_table():
    items = np.repeat(np.arange(30), 6)
    counts = count_table(items, FLEISS_1971.ravel() - 1, 30, 5)
    assert counts.sum(axis=0).tolist() == [26, 26, 30, 55, 43]  # column totals of the paper
    assert round(fleiss_kappa(counts).value, 3) == 0.430


def test_cohen_kappa_matches_textbook_tables():
    # SAS/STAT FREQ documentation example (3 x 3 table): kappa 0.4842, linear weighted 0.4701.
    sas = np.array([[[0, 4, 1], [0, 8, 0], [0, 1, 5]]])
    assert round(float(cohen_kappas(sas)[0]), 4) == 0.4842
    assert round(float(cohen_kappas(sas, "linear")[0]), 4) == 0.4701
    # Two readers, 50 cases: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> p_o 0.7, p_e 0.5, kappa 0.4.
    two_by_two = np.array([[[20, 5], [10, 15]]])
    assert float(cohen_kappas(two_by_two)[0]) == pytest.approx(0.4)


def test_alpha_is_none_with_a_reason_when_all_labels_are_identical():
    counts = np.array([[3, 0], [2, 0], [4, 0]])
    alpha = krippendorff_alpha(counts)
    assert alpha.value is None
    assert alpha.reason == NO_VARIATION


def test_every_coefficient_is_none_when_no_item_has_two_labels():
    counts = np.array([[1, 0], [0, 1], [1, 0]])
    for metric in (krippendorff_alpha(counts), fleiss_kappa(counts), percent_agreement(counts)):
        assert metric.value is None
        assert metric.reason == NO_ITEMS


def test_fleiss_kappa_is_none_but_ac1_is_one_when_everyone_picks_the_same_label():
    counts = np.array([[3, 0, 0], [3, 0, 0]])
    assert fleiss_kappa(counts).reason == NO_VARIATION
    assert gwet_ac1(counts).value == pytest.approx(1.0)


def test_ac1_stays_high_where_kappa_collapses_on_a_rare_class():
    # 2 raters, 100 items: 95 agree on "common", 5 split between common and rare.
    counts = np.array([[2, 0]] * 95 + [[1, 1]] * 5)
    assert fleiss_kappa(counts).value < 0
    assert gwet_ac1(counts).value > 0.9


def test_cohen_kappa_is_nan_when_both_annotators_use_one_value():
    assert np.isnan(cohen_kappas(np.array([[[7, 0], [0, 0]]]))[0])


def test_percent_agreement_is_the_mean_share_of_agreeing_pairs():
    # Item 1: a,a,b -> 1 agreeing pair of 3; item 2: a,a -> 1 of 1; item 3 has one label (ignored).
    counts = np.array([[2, 1], [2, 0], [1, 0]])
    assert percent_agreement(counts).value == pytest.approx((1 / 3 + 1) / 2)


def test_one_vs_rest_alpha_equals_binary_alpha_of_the_recoded_data():
    items, _, values = long_form(KRIPPENDORFF_2011)
    counts = count_table(items, values - 1, 12, 5)
    per_label = one_vs_rest(counts)
    for label in range(5):
        binary = count_table(items, (values - 1 == label).astype(int), 12, 2)
        expected = krippendorff_alpha(binary).value
        assert per_label[label]["alpha"].value == pytest.approx(expected)


def test_item_agreement_and_entropy_per_item():
    counts = np.array([[2, 2], [4, 0], [0, 0]])
    agreement = item_agreement(counts, np.array([0, 0, -1]))
    assert agreement[:2].tolist() == [0.5, 1.0]
    assert np.isnan(agreement[2])
    assert item_entropy(counts)[:2].tolist() == [1.0, 0.0]


def test_bootstrap_interval_is_deterministic_and_brackets_alpha():
    counts = krippendorff_counts()
    low, high = alpha_bootstrap_ci(counts, "interval", np.arange(1, 6), seed=7)
    again = alpha_bootstrap_ci(counts, "interval", np.arange(1, 6), seed=7)
    alpha = krippendorff_alpha(counts, "interval", np.arange(1, 6)).value
    assert (low, high) == again
    assert low.value <= alpha <= high.value


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_each_bootstrap_replicate_is_alpha_of_the_resampled_items(level):
    counts = krippendorff_counts()
    rows = counts[counts.sum(axis=1) >= 2]
    patterns, freq = np.unique(rows, axis=0, return_counts=True)
    draws = np.random.default_rng(3).multinomial(len(rows), freq / freq.sum(), size=5)
    scale = np.arange(1.0, 6.0)
    fast = _replicate_alphas(_replicate_coincidences(patterns, draws), level, scale)
    for replicate, alpha in zip(draws, fast, strict=True):
        resampled = np.repeat(patterns, replicate, axis=0)
        assert alpha == pytest.approx(krippendorff_alpha(resampled, level, scale).value)


def test_grouped_alpha_splits_annotations_by_key():
    items, _, values = long_form(KRIPPENDORFF_2011)
    keys = np.where(items < 6, "v1", "v2")
    groups = grouped_alpha(keys, items, values - 1, n_items=12, n_values=5)
    assert [g["key"] for g in groups] == ["v1", "v2"]
    first = count_table(items[items < 6], values[items < 6] - 1, 12, 5)
    assert groups[0]["alpha"] == pytest.approx(krippendorff_alpha(first).value)
    assert groups[0]["items"] == 6


def test_set_alpha_with_singleton_sets_equals_nominal_alpha():
    items, _, values = long_form(KRIPPENDORFF_2011)
    indicators = np.eye(5, dtype=bool)[values - 1]
    nominal = krippendorff_alpha(krippendorff_counts()).value
    assert set_alpha(items, indicators, 12, "jaccard").value == pytest.approx(nominal)
    assert set_alpha(items, indicators, 12, "masi").value == pytest.approx(nominal)


def test_set_alphas_match_hand_computed_jaccard_and_masi_values():
    # Two annotators, three items: {a,b} vs {a}, {b} vs {b}, {c} vs {a}.
    items = np.array([0, 0, 1, 1, 2, 2])
    sets = np.array([[1, 1, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]], bool)
    # By hand with d = distance({a,b}, {a}): alpha = 1 - 5 (2d + 2) / (8d + 18).
    # Jaccard d = 1/2 gives 7/22; MASI d = 1 - 1/2 * 2/3 = 2/3 gives 2/7.
    assert set_alpha(items, sets, 3, "jaccard").value == pytest.approx(7 / 22)
    assert set_alpha(items, sets, 3, "masi").value == pytest.approx(2 / 7)


rating_matrices = st.integers(min_value=2, max_value=6).flatmap(
    lambda k: st.lists(
        st.lists(st.one_of(st.none(), st.integers(1, k)), min_size=4, max_size=4),
        min_size=3,
        max_size=25,
    )
)


@settings(max_examples=60, deadline=None)
@given(rating_matrices, st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_alpha_matches_the_krippendorff_package_on_random_data(rows, level):
    matrix = np.array([[NAN if v is None else v for v in row] for row in rows]).T
    items, _, values = long_form(matrix)
    counts = count_table(items, values - 1, matrix.shape[1], 6)
    ours = krippendorff_alpha(counts, level, np.arange(1, 7))
    paired_values = values[np.isin(items, np.nonzero(counts.sum(axis=1) >= 2)[0])]
    if len(np.unique(paired_values)) < 2:
        # The package raises or returns NaN here; ours is explicitly undefined.
        assert ours.value is None
        return
    ours = ours.value
    assert ours == pytest.approx(krippendorff.alpha(matrix, level_of_measurement=level), abs=1e-9)


cohen_cases = st.integers(2, 5).flatmap(
    lambda k: st.tuples(
        st.just(k),
        st.lists(st.tuples(st.integers(0, k - 1), st.integers(0, k - 1)), min_size=2, max_size=40),
    )
)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=60, deadline=None)
@given(cohen_cases, st.sampled_from([None, "linear", "quadratic"]))
def test_cohen_kappa_matches_sklearn_with_the_full_scale(case, weighting):
    k, pairs = case
    first = np.array([p[0] for p in pairs])
    second = np.array([p[1] for p in pairs])
    items = np.repeat(np.arange(len(pairs)), 2)
    annotators = np.tile([0, 1], len(pairs))
    table = pair_table(items, annotators, np.column_stack([first, second]).ravel(), k)
    ours = cohen_kappas(table.confusion, weighting)[0]
    reference = cohen_kappa_score(first, second, labels=list(range(k)), weights=weighting)
    assert int(table.n[0]) == len(pairs)
    if np.isnan(reference):
        assert np.isnan(ours)
    else:
        assert ours == pytest.approx(reference, abs=1e-9)


def test_distinct_rows_matches_numpy_unique_rows():
    rows = np.random.default_rng(4).integers(0, 4, size=(500, 5))
    patterns, freq = distinct_rows(rows)
    reference, reference_freq = np.unique(rows, axis=0, return_counts=True)
    order = np.lexsort(patterns.T[::-1])
    assert (patterns[order] == reference).all()
    assert (freq[order] == reference_freq).all()
