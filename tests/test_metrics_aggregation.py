"""Aggregation: majority vote tie rule, Dawid-Skene EM and MACE-style competence (no DB)."""

from __future__ import annotations

import numpy as np
import pytest

from review.metrics.aggregation import (
    annotator_competence,
    dawid_skene,
    majority_vote,
    tie_priority,
)
from review.metrics.sets import multi_label_majority
from review.metrics.tables import count_table


def test_majority_vote_picks_the_most_voted_label_with_its_share_as_confidence():
    counts = np.array([[3, 1, 0], [0, 0, 2]])
    result = majority_vote(counts)
    assert result.labels.tolist() == [0, 2]
    assert result.confidence.tolist() == [0.75, 1.0]


def test_majority_tie_goes_to_the_label_used_more_often_in_the_project():
    # Label 1 is the most used overall, so the 1-1 tie on item 0 resolves to it.
    counts = np.array([[1, 1, 0], [0, 3, 0], [0, 0, 2]])
    assert majority_vote(counts).labels[0] == 1
    assert majority_vote(counts).confidence[0] == 0.5


def test_majority_tie_between_equally_frequent_labels_goes_to_schema_order():
    counts = np.array([[0, 1, 1], [0, 1, 1]])
    assert tie_priority(counts).tolist() == [2, 0, 1]
    assert majority_vote(counts).labels.tolist() == [1, 1]


def test_majority_vote_leaves_unlabelled_items_without_aggregate():
    result = majority_vote(np.array([[0, 0], [1, 0]]))
    assert result.labels[0] == -1
    assert np.isnan(result.confidence[0])


def test_multi_label_majority_keeps_labels_chosen_by_more_than_half():
    present = np.array([[3, 1, 2]])
    decided, confidence = multi_label_majority(present, np.array([4]))
    assert decided.tolist() == [[True, False, False]]  # 2 of 4 is a tie: left out
    assert confidence[0] == pytest.approx((0.75 + 0.75 + 0.5) / 3)


def _synthetic(seed: int, accuracies: list[float], n_items: int = 400, k: int = 3):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n_items)
    rows = []
    for a, accuracy in enumerate(accuracies):
        correct = rng.random(n_items) < accuracy
        noise = rng.integers(0, k, n_items)
        rows.append(
            np.column_stack(
                [np.arange(n_items), np.full(n_items, a), np.where(correct, truth, noise)]
            )
        )
    items, annotators, codes = np.concatenate(rows).T
    return truth, items, annotators, codes


def test_dawid_skene_recovers_truth_and_annotator_confusions_on_synthetic_data():
    truth, items, annotators, codes = _synthetic(1, [0.9, 0.85, 0.8, 0.4, 0.4])
    result = dawid_skene(items, annotators, codes, n_items=400, n_annotators=5, n_classes=3)
    assert (result.labels == truth).mean() > 0.95
    diagonal = np.einsum("akk->ak", result.confusions).mean(axis=1)
    assert diagonal[0] > 0.85
    assert diagonal[3] < 0.7
    assert result.posteriors.sum(axis=1) == pytest.approx(np.ones(400))


def test_dawid_skene_beats_majority_vote_when_a_bloc_of_annotators_is_biased():
    truth, items, annotators, codes = _synthetic(2, [0.95, 0.95])
    # Three more annotators who always answer 0, whatever the item.
    biased = np.concatenate(
        [np.column_stack([np.arange(400), np.full(400, a), np.zeros(400, int)]) for a in (2, 3, 4)]
    )
    items = np.concatenate([items, biased[:, 0]])
    annotators = np.concatenate([annotators, biased[:, 1]])
    codes = np.concatenate([codes, biased[:, 2]])
    ds = dawid_skene(items, annotators, codes, n_items=400, n_annotators=5, n_classes=3)
    vote = majority_vote(count_table(items, codes, 400, 3))
    assert (ds.labels == truth).mean() > (vote.labels == truth).mean() + 0.2


def test_dawid_skene_gives_unlabelled_items_no_label():
    result = dawid_skene([0, 0], [0, 1], [1, 1], n_items=2, n_annotators=2, n_classes=2)
    assert result.labels.tolist() == [1, -1]


def test_competence_exposes_random_and_constant_spammers():
    _truth, items, annotators, codes = _synthetic(3, [0.85, 0.8, 0.8, 0.75, 0.0])
    # Annotator 4 clicks at random (accuracy 0 means always noise); annotator 5 always says 0.
    items = np.concatenate([items, np.arange(400)])
    annotators = np.concatenate([annotators, np.full(400, 5)])
    codes = np.concatenate([codes, np.zeros(400, int)])
    result = annotator_competence(
        items, annotators, codes, n_items=400, n_annotators=6, n_classes=3
    )
    honest, spammers = result.competence[:4], result.competence[4:]
    assert honest.min() > 0.6
    assert spammers.max() < 0.2
