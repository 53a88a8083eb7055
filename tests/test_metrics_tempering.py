"""The temperature of the Dawid-Skene posterior, fitted on held-out labels (pure, no DB)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr

from review.metrics.calibration import expected_calibration_error
from review.metrics.dawid_skene import dawid_skene
from review.metrics.risk import item_risk, label_risk
from review.metrics.tempering import fit_temperature, log_joint, tempered


def _crowd(seed: int, *, shared_errors: float, n_items: int = 400, overlap: int = 7):
    """Binary crowd of 20 annotators of accuracy 0.8. On a share ``shared_errors`` of the
    items (hard ones) every annotator sees the same misleading evidence: each says the
    wrong class with probability 0.6, so the crowd agrees on wrong labels there."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, n_items)
    hard = rng.random(n_items) < shared_errors
    rows = []
    for i in range(n_items):
        for a in rng.choice(20, overlap, replace=False):
            p_right = 0.4 if hard[i] else 0.8
            rows.append((i, a, truth[i] if rng.random() < p_right else 1 - truth[i]))
    items, annotators, codes = (np.array(c) for c in zip(*rows, strict=True))
    return (
        truth,
        (items, annotators, codes),
        {"n_items": n_items, "n_annotators": 20, "n_classes": 2},
    )


def test_tau_one_gives_back_the_dawid_skene_posterior():
    _, data, sizes = _crowd(0, shared_errors=0.0)
    result = dawid_skene(*data, **sizes)
    # The run's posteriors come from the E-step before its last M-step: equal up to convergence.
    again = tempered(log_joint(result, *data, sizes), 1.0)
    np.testing.assert_allclose(again, result.posteriors, rtol=1e-2, atol=1e-6)


def test_independent_labels_keep_a_temperature_near_one():
    _, data, sizes = _crowd(1, shared_errors=0.0)
    assert fit_temperature(*data, sizes=sizes) > 0.7


def test_correlated_errors_cool_the_posterior_and_improve_its_calibration():
    truth, data, sizes = _crowd(2, shared_errors=0.25)
    tau = fit_temperature(*data, sizes=sizes)
    assert tau < 0.7
    result = item_risk(*data, sizes=sizes)
    assert result.temperature == pytest.approx(tau)
    wrong = result.labels != truth
    before = expected_calibration_error(result.raw, wrong)
    after = expected_calibration_error(result.p_wrong, wrong)
    assert after < before
    # Two classes: tempering is monotone in the log-odds, so the ranking stays (up to the
    # last EM step's difference between the run's posteriors and its final confusions).
    assert spearmanr(result.raw, result.p_wrong).statistic > 0.99


def test_too_few_labels_to_hold_out_keep_tau_one():
    items, annotators, codes = np.arange(5), np.arange(5) % 2, np.array([0, 1, 0, 1, 0])
    sizes = {"n_items": 5, "n_annotators": 2, "n_classes": 2}
    assert fit_temperature(items, annotators, codes, sizes=sizes) == 1.0


def test_label_risk_of_a_tempered_posterior_is_the_mass_off_the_label():
    joint = np.log(np.array([[0.9, 0.1], [0.2, 0.8]]))
    risk = label_risk(tempered(joint, 0.5), [0, 0])
    assert risk[0] == pytest.approx(1 / (1 + 3.0))  # sqrt(0.9) : sqrt(0.1) = 3 : 1
    assert risk[1] == pytest.approx(2 / 3)


def test_a_large_project_fits_tau_on_a_renumbered_sample_of_its_items(monkeypatch):
    truth, data, sizes = _crowd(3, shared_errors=0.25)
    full = fit_temperature(*data, sizes=sizes)
    monkeypatch.setattr("review.metrics.tempering.MAX_ITEMS", 200)
    gold = np.where(np.arange(sizes["n_items"]) % 10 == 0, truth, -1)
    sampled = fit_temperature(*data, sizes=sizes, known=gold)
    assert sampled < 0.7
    assert sampled == pytest.approx(full, abs=0.25)
