"""Dawid-Skene (1979) EM aggregation over annotator confusion matrices.

Each annotator a has a confusion matrix pi[a, true, given]; items have latent
true classes with prior p. EM alternates item posteriors (E) and maximum
likelihood p and pi (M). Repeated labels by the same annotator on one item are
simply extra observations of that annotator, as in the original paper.

Smoothing (the default): the M-step is a MAP estimate under a Dirichlet prior.
Each confusion row pi[a, true, :] gets ``prior`` * K pseudo-counts (on average
``prior`` per cell, default 1.0), of which DIAGONAL_SHARE (half) sits on the
diagonal and the rest is spread evenly over the row; every class of the
marginals gets ``prior``. So an annotator with no labels is taken to be right
with probability 0.5 + 0.5 / K, i.e. "better than chance", and an annotator
with few labels stays close to that, which makes sparse crowds behave like a
(weighted) majority vote. Without smoothing an annotator seen with a class only
a few times gets hard zeros and the posterior saturates (items at exactly 1.0,
wrong ones included). A symmetric prior of one pseudo-count per cell (Laplace)
fixed that but pulled sparse annotators to "uninformative", and with ~7 labels
per annotator over 4 classes the posterior collapsed to the commonest class
(bench/quality_sim.py --items 100: accuracy 0.39 against 0.89 for majority).
``prior=0`` gives the unsmoothed maximum-likelihood EM of the paper, bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from review.metrics.incidence import incidence_matrix
from review.metrics.tables import FloatArray, IntArray

MAX_ITERATIONS = 100
TOLERANCE = 1e-7
# Dirichlet pseudo-count per confusion cell (on average) and per class marginal (see the module docstring).
DEFAULT_PRIOR = 1.0
# Share of each confusion row's pseudo-counts placed on its diagonal.
DIAGONAL_SHARE = 0.5
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
        unlabelled = np.isnan(self.posteriors).any(axis=1)
        return np.where(unlabelled, -1, np.nan_to_num(self.posteriors).argmax(axis=1))

    @property
    def confidence(self) -> FloatArray:
        """Posterior probability of the MAP class per item (NaN when unlabelled)."""
        confidence: FloatArray = self.posteriors.max(axis=1)
        return confidence


def _m_step(
    posteriors: FloatArray,
    incidence: sparse.csr_matrix,
    labelled: npt.NDArray[np.bool_],
    n_annotators: int,
    prior: float,
) -> tuple[FloatArray, FloatArray]:
    """Class marginals and row-normalised confusion matrices from soft item classes.

    ``prior`` pseudo-counts are added to every class, and confusion_prior(k, prior)
    to every confusion matrix (MAP); 0 gives the maximum-likelihood estimate.
    """
    k = posteriors.shape[1]
    marginals = np.full(k, 1.0 / k)
    if labelled.any():
        # prior == 0 keeps the original mean, so the unsmoothed result is unchanged to the bit.
        class_counts = posteriors[labelled].sum(axis=0) + prior
        marginals = (
            posteriors[labelled].mean(axis=0) if prior == 0 else class_counts / class_counts.sum()
        )
    # (A*K_given, K_true) -> (A, K_true, K_given)
    cells = np.asarray(incidence.T @ np.nan_to_num(posteriors)).reshape(n_annotators, k, k)
    cells = cells.transpose(0, 2, 1) + confusion_prior(k, prior)[None, :, :]
    sums = cells.sum(axis=2, keepdims=True)
    confusions = np.where(sums > 0, cells / np.where(sums > 0, sums, 1.0), 1.0 / k)
    return marginals, confusions


def confusion_prior(n_classes: int, prior: float) -> FloatArray:
    """Pseudo-counts of one confusion matrix: ``prior`` * K per row, DIAGONAL_SHARE on the diagonal."""
    k = n_classes
    return prior * (k * DIAGONAL_SHARE * np.eye(k) + (1 - DIAGONAL_SHARE) * np.ones((k, k)))


def _e_step(
    marginals: FloatArray,
    confusions: FloatArray,
    incidence: sparse.csr_matrix,
    labelled: npt.NDArray[np.bool_],
) -> tuple[FloatArray, float]:
    """Item posteriors and the log-likelihood of the observed labels."""
    k = len(marginals)
    # Rows (a, given), columns true: log P(given | true, a).
    log_conf = np.log(np.maximum(confusions, FLOOR)).transpose(0, 2, 1).reshape(-1, k)
    log_post = np.asarray(incidence @ log_conf) + np.log(np.maximum(marginals, FLOOR))
    top = log_post.max(axis=1, keepdims=True)
    weights = np.exp(log_post - top)
    norm = weights.sum(axis=1, keepdims=True)
    posteriors = np.where(labelled[:, None], weights / norm, np.nan)
    log_likelihood = float((np.log(norm[:, 0]) + top[:, 0])[labelled].sum())
    return posteriors, log_likelihood


def dawid_skene(
    items: npt.ArrayLike,
    annotators: npt.ArrayLike,
    codes: npt.ArrayLike,
    *,
    n_items: int,
    n_annotators: int,
    n_classes: int,
    max_iterations: int = MAX_ITERATIONS,
    tolerance: float = TOLERANCE,
    prior: float = DEFAULT_PRIOR,
    known: npt.ArrayLike | None = None,
) -> DawidSkeneResult:
    """Run Dawid-Skene EM on long-form labels and return posteriors and confusions.

    Initialised, as in the paper, from each item's label proportions. Stops when
    the log-likelihood improves by less than ``tolerance`` (relative) or after
    ``max_iterations``. Unlabelled items get NaN posteriors.

    ``prior``: Dirichlet pseudo-count per confusion cell on average and per class
    (default 1.0, half of each row's on the diagonal; 0 = the paper's unsmoothed EM). ``known``: optional true class per
    item (-1 where unknown, e.g. gold answers); known items are clamped to their
    class in every M-step, so annotators' confusions learn from gold, and their
    reported posteriors are the crowd-only E-step figures. The log-likelihood is
    the observed-data one (without the prior).
    """
    sizes = {"n_items": n_items, "n_annotators": n_annotators, "n_classes": n_classes}
    incidence = incidence_matrix(items, annotators, codes, **sizes)
    counts = np.asarray(incidence @ np.tile(np.eye(n_classes), (n_annotators, 1)))
    totals = counts.sum(axis=1, keepdims=True)
    labelled = totals[:, 0] > 0
    posteriors = np.where(
        labelled[:, None], counts / np.where(labelled, totals[:, 0], 1.0)[:, None], np.nan
    )
    clamp = _clamp(known, n_items, n_classes)
    marginals, confusions = _m_step(clamp(posteriors), incidence, labelled, n_annotators, prior)
    previous, log_likelihood, iteration = -np.inf, -np.inf, 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007 - reported below
        posteriors, log_likelihood = _e_step(marginals, confusions, incidence, labelled)
        marginals, confusions = _m_step(clamp(posteriors), incidence, labelled, n_annotators, prior)
        if abs(log_likelihood - previous) <= tolerance * max(1.0, abs(log_likelihood)):
            break
        previous = log_likelihood
    return DawidSkeneResult(posteriors, confusions, marginals, iteration, log_likelihood)


def _clamp(
    known: npt.ArrayLike | None, n_items: int, n_classes: int
) -> Callable[[FloatArray], FloatArray]:
    """A function that sets the rows of items with a known class to that class's one-hot."""
    classes = np.full(n_items, -1) if known is None else np.asarray(known, dtype=np.int64)
    if len(classes) != n_items:
        raise ValueError(f"known has {len(classes)} entries for {n_items} items")
    rows = np.nonzero(classes >= 0)[0]
    if not len(rows):
        return lambda posteriors: posteriors
    one_hot = np.eye(n_classes)[classes[rows]]

    def clamp(posteriors: FloatArray) -> FloatArray:
        clamped = posteriors.copy()
        clamped[rows] = one_hot
        return clamped

    return clamp
