"""MACE-style annotator competence (Hovy et al. 2013, "Learning Whom to Trust with MACE").

Each annotator a either knows the answer (probability theta_a) and gives the
true label, or "spams" and draws a label from their own strategy xi_a,
whatever the truth. EM estimates theta (the competence score), xi and item
posteriors. Spammers - random clickers or always-the-same-label annotators -
end with low theta even when their labels look plausible on their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from review.metrics.incidence import incidence_matrix
from review.metrics.tables import FloatArray

MAX_ITERATIONS = 200
TOLERANCE = 1e-5
# Dirichlet pseudo-count on each spamming strategy (MAP smoothing keeps xi off 0).
STRATEGY_PRIOR = 0.5
INITIAL_THETA = 0.8


@dataclass(frozen=True)
class CompetenceResult:
    """Competence theta per annotator (A), spamming strategies xi (A, K), item posteriors (I, K)."""

    competence: FloatArray
    strategies: FloatArray
    posteriors: FloatArray
    iterations: int


def _label_probabilities(theta: FloatArray, xi: FloatArray) -> FloatArray:
    """P(given v | true t, annotator a) = (1 - theta_a) xi_a[v] + theta_a [v == t], as (A*K, K)."""
    k = xi.shape[1]
    spam = ((1.0 - theta)[:, None] * xi)[:, :, None]  # (A, K_given, 1)
    know = theta[:, None, None] * np.eye(k)[None, :, :]
    return (spam + know).reshape(-1, k)


def _posteriors(incidence: sparse.csr_matrix, probabilities: FloatArray) -> FloatArray:
    """Item posteriors under a uniform prior on the true label (MACE's choice)."""
    log_post = np.asarray(incidence @ np.log(probabilities))
    log_post -= log_post.max(axis=1, keepdims=True)
    post = np.exp(log_post)
    normalised: FloatArray = post / post.sum(axis=1, keepdims=True)
    return normalised


def _m_step(
    incidence: sparse.csr_matrix, post: FloatArray, theta: FloatArray, xi: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """New theta and xi from the expected 'knew it' share of every (annotator, label) cell.

    A label v from annotator a was 'known' with probability post(true = v) *
    theta_a / P(v | true = v); summing by cell needs only M.T @ post.
    """
    n_annotators, k = xi.shape
    given = np.asarray(incidence.sum(axis=0)).reshape(n_annotators, k)
    matched = np.asarray(incidence.T @ post).reshape(n_annotators, k, k)
    on_diagonal = np.einsum("avv->av", matched)  # sum of post(true = v) over a's labels v
    knew_share = theta[:, None] / ((1.0 - theta)[:, None] * xi + theta[:, None])
    knew = on_diagonal * knew_share
    totals = given.sum(axis=1)
    theta_new = np.where(totals > 0, knew.sum(axis=1) / np.maximum(totals, 1), INITIAL_THETA)
    spam = given - knew + STRATEGY_PRIOR
    return np.clip(theta_new, 1e-6, 1 - 1e-6), spam / spam.sum(axis=1, keepdims=True)


def annotator_competence(
    items: npt.ArrayLike,
    annotators: npt.ArrayLike,
    codes: npt.ArrayLike,
    *,
    n_items: int,
    n_annotators: int,
    n_classes: int,
    max_iterations: int = MAX_ITERATIONS,
    tolerance: float = TOLERANCE,
) -> CompetenceResult:
    """Estimate MACE competence theta_a in [0, 1] for every annotator.

    High theta: the annotator's labels track the consensus truth; low theta:
    their labels are better explained by their own fixed strategy (spam).
    Annotators without labels keep the initial value and should be ignored.
    """
    sizes = {"n_items": n_items, "n_annotators": n_annotators, "n_classes": n_classes}
    incidence = incidence_matrix(items, annotators, codes, **sizes)
    theta = np.full(n_annotators, INITIAL_THETA)
    xi = np.full((n_annotators, n_classes), 1.0 / n_classes)
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007 - reported below
        post = _posteriors(incidence, _label_probabilities(theta, xi))
        theta_new, xi = _m_step(incidence, post, theta, xi)
        converged = np.abs(theta_new - theta).max(initial=0.0) < tolerance
        theta = theta_new
        if converged:
            break
    post = _posteriors(incidence, _label_probabilities(theta, xi))
    return CompetenceResult(theta, xi, post, iteration)


def competence_weighted_vote(
    items: npt.ArrayLike,
    codes: npt.ArrayLike,
    weights: npt.ArrayLike,
    *,
    n_items: int,
    n_classes: int,
) -> FloatArray:
    """Each item's weighted vote shares (I, K): every label counts its annotator's weight.

    ``weights`` has one entry per label row (e.g. ``competence[annotators]``). Rows of
    items without labels (or with zero total weight) are NaN. The MAP class is the
    weighted-majority label and 1 - its share a ranking signal for review.
    """
    table = np.zeros((n_items, n_classes))
    np.add.at(
        table, (np.asarray(items, dtype=np.int64), np.asarray(codes, dtype=np.int64)), weights
    )
    totals = table.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, table / totals, np.nan)
