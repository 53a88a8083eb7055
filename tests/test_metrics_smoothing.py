"""Smoothed Dawid-Skene, gold-clamped EM and posterior tie-breaking of majority vote (no DB)."""

from __future__ import annotations

import numpy as np
import pytest

from review.metrics.aggregation import dawid_skene, majority_vote
from review.metrics.competence import competence_weighted_vote
from review.metrics.tables import count_table


def _unanimous_crowd(n_items: int = 20):
    """Three annotators who always agree; classes alternate."""
    truth = np.arange(n_items) % 2
    items = np.repeat(np.arange(n_items), 3)
    annotators = np.tile(np.arange(3), n_items)
    return items, annotators, np.repeat(truth, 3)


def test_unsmoothed_dawid_skene_saturates_and_the_smoothed_default_does_not():
    items, annotators, codes = _unanimous_crowd()
    sizes = {"n_items": 20, "n_annotators": 3, "n_classes": 2}
    raw = dawid_skene(items, annotators, codes, prior=0.0, **sizes)
    smooth = dawid_skene(items, annotators, codes, **sizes)
    assert (raw.confidence == 1.0).all()
    assert smooth.confidence.max() < 1.0
    assert smooth.confidence.min() > 0.9
    assert smooth.labels.tolist() == raw.labels.tolist()


def test_smoothed_dawid_skene_matches_a_one_iteration_hand_computation():
    # item 0: both annotators say 0; item 1: annotator 0 says 0, annotator 1 says 1.
    # Start [1, 0] and [.5, .5]. Each confusion row gets K = 2 pseudo-counts, half on the
    # diagonal: [[1.5, .5], [.5, 1.5]]. The M-step gives marginals (2.5, 1.5)/4, annotator 0
    # rows (3, .5)/3.5 and (1, 1.5)/2.5, annotator 1 rows (2.5, 1)/3.5 and (.5, 2)/2.5.
    # E-step by hand: item 0: .625*3/3.5*2.5/3.5 vs .375*1/2.5*.5/2.5;
    # item 1: .625*3/3.5*1/3.5 vs .375*1/2.5*2/2.5.
    result = dawid_skene(
        [0, 0, 1, 1], [0, 1, 0, 1], [0, 0, 0, 1],
        n_items=2, n_annotators=2, n_classes=2, max_iterations=1,
    )  # fmt: skip
    item0 = (0.625 * 7.5 / 12.25, 0.375 * 0.08)
    item1 = (0.625 * 3 / 12.25, 0.375 * 0.32)
    expected = [item0[0] / sum(item0), item1[0] / sum(item1)]
    assert result.posteriors[:, 0] == pytest.approx(expected, abs=1e-12)
    # The returned marginals come from the M-step after that E-step: (posterior sums + 1) / 4.
    assert result.marginals[0] == pytest.approx((sum(expected) + 1) / 4)


def test_smoothed_dawid_skene_does_not_collapse_when_annotators_have_few_labels():
    # 60 annotators, 3 labels per item over 4 classes: about 5 labels per annotator.
    # A uniform one-per-cell prior made every annotator uninformative and the posterior
    # fell to the commonest class; the diagonal prior keeps it near majority vote.
    rng = np.random.default_rng(3)
    truth = rng.choice(4, 100, p=[0.45, 0.3, 0.2, 0.05])
    items = np.repeat(np.arange(100), 3)
    annotators = np.concatenate([rng.choice(60, 3, replace=False) for _ in range(100)])
    right = rng.random(300) < 0.85
    codes = np.where(right, truth[items], (truth[items] + rng.integers(1, 4, 300)) % 4)
    sizes = {"n_items": 100, "n_annotators": 60, "n_classes": 4}
    vote = majority_vote(count_table(items, codes, 100, 4))
    smooth = dawid_skene(items, annotators, codes, **sizes)
    assert (smooth.labels == truth).mean() >= (vote.labels == truth).mean() - 0.02
    assert (smooth.labels == truth).mean() > 0.85


def test_prior_zero_keeps_the_maximum_likelihood_confusions_with_hard_zeros():
    items, annotators, codes = _unanimous_crowd()
    raw = dawid_skene(items, annotators, codes, n_items=20, n_annotators=3, n_classes=2, prior=0)
    assert raw.confusions[:, 0, 1].max() < 1e-20
    assert raw.marginals.tolist() == [0.5, 0.5]


def test_gold_answers_tell_dawid_skene_which_of_two_disagreeing_annotators_to_trust():
    # Annotator 0 is always right; annotator 1 flips the class on items 20..39.
    truth = np.arange(40) % 2
    items = np.repeat(np.arange(40), 2)
    annotators = np.tile([0, 1], 40)
    flipped = (annotators == 1) & (items >= 20)
    codes = np.where(flipped, 1 - truth[items], truth[items])
    sizes = {"n_items": 40, "n_annotators": 2, "n_classes": 2}
    blind = dawid_skene(items, annotators, codes, **sizes)
    known = np.full(40, -1)
    known[20:26] = truth[20:26]
    taught = dawid_skene(items, annotators, codes, known=known, **sizes)
    # Without gold the disagreements are coin flips; with six gold answers they follow annotator 0.
    assert blind.confidence[26:].max() == pytest.approx(0.5)
    assert (taught.labels == truth).all()
    assert taught.confidence[26:].min() > 0.6


def test_majority_tie_goes_to_the_higher_posterior_before_the_project_frequency():
    # Label 0 is the most frequent overall, so the old rule would give the 1-1 tie to it.
    counts = np.array([[1, 1], [3, 0], [2, 0]])
    posterior = np.array([[0.3, 0.7], [0.9, 0.1], [0.9, 0.1]])
    assert majority_vote(counts).labels[0] == 0
    assert majority_vote(counts, tie_break=posterior).labels.tolist() == [1, 0, 0]


def test_posterior_never_overrides_a_clear_majority_and_equal_scores_fall_back_to_ranks():
    counts = np.array([[2, 1], [1, 1]])
    posterior = np.array([[0.1, 0.9], [0.5, 0.5]])
    result = majority_vote(counts, np.array([1, 0]), tie_break=posterior)
    assert result.labels.tolist() == [0, 1]
    assert result.confidence.tolist() == pytest.approx([2 / 3, 0.5])


def test_tie_break_by_dawid_skene_fixes_a_tie_the_frequency_rule_gets_wrong():
    # Annotators 0 and 1 are reliable, 2 and 3 always say 0; item 9 splits 1-1 between 0/1 and 2/3
    truth = np.array([1, 0, 1, 0, 1, 0, 1, 0, 1, 1])
    rows = [(i, a, truth[i]) for i in range(9) for a in (0, 1)]
    rows += [(i, a, 0) for i in range(9) for a in (2, 3)]
    rows += [(9, 0, 1), (9, 2, 0)]
    items, annotators, codes = np.array(rows).T
    ds = dawid_skene(items, annotators, codes, n_items=10, n_annotators=4, n_classes=2)
    counts = count_table(items, codes, 10, 2)
    assert majority_vote(counts).labels[9] == 0
    assert majority_vote(counts, tie_break=ds.posteriors).labels[9] == 1


def test_competence_weighted_vote_lets_one_trusted_annotator_outvote_two_spammers():
    shares = competence_weighted_vote(
        [0, 0, 0, 1], [1, 0, 0, 1], np.array([0.9, 0.2, 0.2, 0.5]), n_items=3, n_classes=2
    )
    assert shares[0] == pytest.approx([0.4 / 1.3, 0.9 / 1.3])
    assert shares[1].tolist() == [0.0, 1.0]
    assert np.isnan(shares[2]).all()
