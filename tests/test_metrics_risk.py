"""p_wrong, its calibration and the review budget (pure metrics, no DB)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from review.metrics.calibration import (
    PlattScaling,
    expected_calibration_error,
    platt_fit,
    reliability_table,
)
from review.metrics.review_budget import accuracy_estimate, caught_share, review_queue
from review.metrics.risk import combine_with_model, item_risk, label_risk


def test_label_risk_is_the_posterior_mass_off_the_label_and_keeps_tiny_risks_apart():
    posteriors = np.array([[0.7, 0.2, 0.1], [1 - 2e-40, 1e-40, 1e-40], [np.nan] * 3])
    risk = label_risk(posteriors, [1, 0, 0])
    assert risk[0] == pytest.approx(0.8)
    assert risk[1] == pytest.approx(2e-40)
    assert np.isnan(risk[2])
    assert label_risk(posteriors[:1]).tolist() == pytest.approx([0.3])


def test_model_probabilities_multiply_the_crowd_posterior_over_the_class_prior():
    crowd = np.array([[0.6, 0.4], [0.6, 0.4]])
    model = np.array([[0.2, 0.8], [np.nan, np.nan]])
    combined = combine_with_model(crowd, model, np.array([0.5, 0.5]))
    # 0.6 * 0.2 / 0.5 : 0.4 * 0.8 / 0.5 = 0.24 : 0.64
    assert combined[0] == pytest.approx([0.24 / 0.88, 0.64 / 0.88])
    assert combined[1].tolist() == [0.6, 0.4]


def test_platt_fit_recovers_a_known_slope_and_intercept_like_an_unpenalised_logistic_fit():
    rng = np.random.default_rng(0)
    p = rng.random(20000)
    outcomes = rng.random(20000) < expit(0.5 * np.log(p / (1 - p)) - 1.0)
    fitted = platt_fit(p, outcomes)
    # scikit-learn's LogisticRegression(C=1e6) on logit(p) gives 0.5076, -1.0084 here.
    assert fitted.slope == pytest.approx(0.5076, abs=0.01)
    assert fitted.intercept == pytest.approx(-1.0084, abs=0.01)


def test_platt_fit_stays_finite_when_a_few_gold_items_are_perfectly_separated():
    fitted = platt_fit([1e-30, 1e-20, 1e-12, 0.4], [False, False, False, True])
    assert np.isfinite(fitted.slope)
    assert 0 < fitted.apply([1e-30])[0] < 0.5


def test_identity_platt_map_leaves_probabilities_unchanged():
    assert PlattScaling().apply([0.1, 0.5, 0.9]) == pytest.approx([0.1, 0.5, 0.9])


def test_ece_and_reliability_table_match_a_hand_computation():
    p = np.array([0.05, 0.05, 0.15, 0.95, 1.0])
    y = np.array([0, 1, 0, 1, 1])
    table = reliability_table(p, y)
    assert [row.count for row in table] == [2, 1, 0, 0, 0, 0, 0, 0, 0, 2]
    assert table[9].mean_predicted == pytest.approx(0.975)
    assert table[2].observed is None
    # bins: 2/5 * |0.05 - 0.5| + 1/5 * |0.15 - 0| + 2/5 * |0.975 - 1|
    assert expected_calibration_error(p, y) == pytest.approx(0.18 + 0.03 + 0.01)
    assert expected_calibration_error([], []) is None


def test_review_queue_takes_the_riskiest_items_first_within_the_budget():
    p = np.array([0.1, 0.9, np.nan, 0.5, 0.9, 0.3, 0.0, 0.2, 0.05, 0.6])
    assert review_queue(p, budget=0.3).tolist() == [1, 4, 9]
    assert review_queue(p, budget=0.15).tolist() == [1]
    assert review_queue(p, budget=None, threshold=0.5).tolist() == [1, 4, 9, 3]
    assert review_queue(p, budget=0.3, eligible=p != 0.9).tolist() == [9, 3, 5]


def test_review_queue_with_threshold_and_budget_applies_both_limits():
    p = np.array([0.95, 0.9, 0.85, 0.2, 0.1])
    assert review_queue(p, budget=0.4, threshold=0.5).tolist() == [0, 1]
    assert review_queue(p, budget=1.0, threshold=0.5).tolist() == [0, 1, 2]


def test_caught_share_and_accuracy_estimate():
    wrong = np.array([True, False, True, False])
    assert caught_share([0, 1], wrong) == 0.5
    assert caught_share([0], np.zeros(4, bool)) is None
    estimate = accuracy_estimate(np.array([0.5, 0.1, np.nan, 0.2]), [0])
    assert estimate.expected_wrong == pytest.approx(0.8)
    assert estimate.expected_accuracy == pytest.approx(1 - 0.8 / 3)
    assert estimate.expected_fixed == pytest.approx(0.5)


def _crowd(seed: int, n_items: int = 300, accuracies=(0.85, 0.8, 0.75, 0.7, 0.65)):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 3, n_items)
    rows = []
    for a, accuracy in enumerate(accuracies):
        for i in rng.choice(n_items, n_items * 3 // 5, replace=False):
            label = truth[i] if rng.random() < accuracy else rng.integers(0, 3)
            rows.append((i, a, label))
    items, annotators, codes = np.array(rows).T
    sizes = {"n_items": n_items, "n_annotators": len(accuracies), "n_classes": 3}
    return truth, (items, annotators, codes), sizes


def test_item_risk_without_gold_is_the_tempered_posterior_and_ranks_wrong_labels_first():
    truth, data, sizes = _crowd(1)
    result = item_risk(*data, sizes=sizes)
    assert result.calibration == "tempered"
    assert 0 < result.temperature <= 1
    wrong = result.labels != truth
    queue = review_queue(result.p_wrong, budget=0.2)
    assert caught_share(queue, wrong) > 2 * 0.2  # far better than a random 20%
    assert np.isnan(result.p_wrong[result.labels < 0]).all()  # items nobody labelled
    plain = item_risk(*data, sizes=sizes, temper=False)
    assert plain.calibration == "posterior"
    assert plain.temperature == 1.0
    np.testing.assert_array_equal(plain.p_wrong, plain.raw)
    np.testing.assert_array_equal(plain.raw, result.raw)


def test_item_risk_with_gold_is_calibrated_on_held_out_gold_and_knows_the_gold_items():
    truth, data, sizes = _crowd(2)
    gold = np.where(np.arange(300) < 60, truth, -1)
    result = item_risk(*data, sizes=sizes, gold=gold)
    assert result.calibration == "gold_platt"
    labelled = result.labels[:60] >= 0
    expected = (result.labels[:60] != truth[:60]).astype(float)
    assert result.p_wrong[:60][labelled].tolist() == expected[labelled].tolist()
    rest = slice(60, None)
    ece = expected_calibration_error(result.p_wrong[rest], result.labels[rest] != truth[rest])
    assert ece < 0.08


def test_item_risk_scores_the_given_current_labels_not_only_the_map_class():
    truth, data, sizes = _crowd(3)
    flipped = (truth + 1) % 3
    result = item_risk(*data, sizes=sizes, labels=flipped)
    assert np.nanmean(result.p_wrong) > 0.8
    assert result.labels.tolist() == flipped.tolist()


def test_a_good_model_lowers_the_risk_of_labels_it_backs():
    truth, data, sizes = _crowd(4)
    model = np.full((300, 3), 0.05)
    model[np.arange(300), truth] = 0.9
    crowd_only = item_risk(*data, sizes=sizes)
    with_model = item_risk(*data, sizes=sizes, model=model)
    assert (with_model.labels == truth).mean() > (crowd_only.labels == truth).mean()


def test_a_single_class_project_has_no_risk_and_unlabelled_gold_items_stay_undefined():
    single = item_risk([0], [0], [0], sizes={"n_items": 2, "n_annotators": 1, "n_classes": 1})
    assert single.p_wrong[0] == 0.0
    assert np.isnan(single.p_wrong[1])
    sizes = {"n_items": 3, "n_annotators": 1, "n_classes": 2}
    gold = item_risk([0, 1], [0, 0], [0, 1], sizes=sizes, gold=[0, 1, 1])
    assert gold.p_wrong[:2].tolist() == [0.0, 0.0]
    assert np.isnan(gold.p_wrong[2])
