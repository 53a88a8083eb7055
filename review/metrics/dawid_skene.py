"""Dawid-Skene (1979) EM aggregation over annotator confusion matrices.

Each annotator a has a confusion matrix pi[a, true, given]; items have latent
true classes with prior p. EM alternates item posteriors (E) and maximum
likelihood p and pi (M). Repeated labels by the same annotator on one item are
simply extra observations of that annotator, as in the original paper.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from review.metrics.tables import FloatArray, IntArray, count_table

MAX_ITERATIONS = 100
TOLERANCE = 1e-7
# Keeps log(0) out of the E-step for confusion cells never observed.
FLOOR = 1e-10


@dataclass(frozen=True)
class DawidSkeneResult:
    """EM output: item posteriors (I, K), confusion matrices (A, K, K), class marginals (K)."""

    posteriors: FloatArray
    confusions: FloatArray
    marginals: FloatArray
    iterations: int
    log_likelihood: float

    @property
    def labels(self) -> IntArray:
        """MAP class per item (-1 for items without labels)."""
        best = self.posteriors.argmax(axis=1)
        return np.where(np.isnan(self.posteriors).any(axis=1), -1, best)

    @property
    def confidence(self) -> FloatArray:
        """Posterior probability of the MAP class per item."""
        return self.posteriors.max(axis=1)


def _m_step(
    posteriors: FloatArray, items: IntArray, annotators: IntArray, codes: IntArray, n_annotators: int
) -> tuple[FloatArray, FloatArray]:
    """Class marginals and row-normalised confusion matrices from soft item classes."""
    n_classes = posteriors.shape[1]
    labelled = ~np.isnan(posteriors).any(axis=1)
    marginals = posteriors[labelled].mean(axis=0)
    cells = np.empty((n_annotators, n_classes, n_classes))
    for true in range(n_classes):
        flat = annotators * n_classes + codes
        weights = posteriors[items, true]
        cells[:, true, :] = np.bincount(flat, weights=weights, minlength=n_annotators * n_classes).reshape(
            n_annotators, n_classes
        )
    sums = cells.sum(axis=2, keepdims=True)
    confusions = np.where(sums > 0, cells / np.where(sums > 0, sums, 1.0), 1.0 / n_classes)
    return marginals, confusions


def _e_step(
    marginals: FloatArray, confusions: FloatArray, items: IntArray, annotators: IntArray,
    codes: IntArray, n_items: int,
) -> tuple[FloatArray, float]:
    """Item posteriors and the log-likelihood of the observed labels."""
    n_classes = len(marginals)
    log_conf = np.log(np.maximum(confusions, FLOOR))
    per_label = log_conf[annotators, :, codes]  # (rows, K): log P(given | true=k)
    log_post = np.empty((n_items, n_classes))
    for true in range(n_classes):
        log_post[:, true] = np.bincount(items, weights=per_label[:, true], minlength=n_items)
    log_post += np.log(np.maximum(marginals, FLOOR))
    top = log_post.max(axis=1, keepdims=True)
    weights = np.exp(log_post - top)
    norm = weights.sum(axis=1, keepdims=True)
    labelled = np.bincount(items, minlength=n_items) > 0
    posteriors = np.where(labelled[:, None], weights / norm, np.nan)
    log_likelihood = float((np.log(norm[:, 0]) + top[:, 0])[labelled].sum())
    return posteriors, log_likelihood


def dawid_skene(
    items: npt.ArrayLike, annotators: npt.ArrayLike, codes: npt.ArrayLike, *,
    n_items: int, n_annotators: int, n_classes: int,
    max_iterations: int = MAX_ITERATIONS, tolerance: float = TOLERANCE,
) -> DawidSkeneResult:
    """Run Dawid-Skene EM on long-form labels and return posteriors and confusions.

    Initialised, as in the paper, from each item's label proportions. Stops when
    the log-likelihood improves by less than ``tolerance`` (relative) or after
    ``max_iterations``. Unlabelled items get NaN posteriors.
    """
    it, an, co = (np.asarray(x, dtype=np.int64) for x in (items, annotators, codes))
    counts = count_table(it, co, n_items, n_classes).astype(np.float64)
    totals = counts.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        posteriors = np.where(totals > 0, counts / totals, np.nan)
    previous, log_likelihood, iteration = -np.inf, -np.inf, 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007 - reported below
        marginals, confusions = _m_step(posteriors, it, an, co, n_annotators)
        posteriors, log_likelihood = _e_step(marginals, confusions, it, an, co, n_items)
        if abs(log_likelihood - previous) <= tolerance * max(1.0, abs(log_likelihood)):
            break
        previous = log_likelihood
    marginals, confusions = _m_step(posteriors, it, an, co, n_annotators)
    return DawidSkeneResult(posteriors, confusions, marginals, iteration, log_likelihood)
