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

from review.metrics.tables import FloatArray, IntArray

MAX_ITERATIONS = 200
TOLERANCE = 1e-6
# Beta / Dirichlet pseudo-counts (MAP smoothing): keep theta and xi off 0 and 1.
THETA_PRIOR = (1.0, 1.0)
STRATEGY_PRIOR = 0.5
INITIAL_THETA = 0.8


@dataclass(frozen=True)
class CompetenceResult:
    """Competence theta per annotator (A), spamming strategies xi (A, K), item posteriors (I, K)."""

    competence: FloatArray
    strategies: FloatArray
    posteriors: FloatArray
    iterations: int


def _label_likelihood(theta: FloatArray, xi: FloatArray, annotators: IntArray, codes: IntArray, k: int) -> FloatArray:
    """P(given label | true = t) per row and t: theta [given == t] + (1 - theta) xi[given]."""
    spam = ((1.0 - theta[annotators]) * xi[annotators, codes])[:, None]
    know = theta[annotators][:, None] * (codes[:, None] == np.arange(k)[None, :])
    return spam + know


def _posteriors(likelihood: FloatArray, items: IntArray, n_items: int) -> FloatArray:
    """Item posteriors under a uniform prior on the true label (MACE's choice)."""
    k = likelihood.shape[1]
    log_post = np.stack(
        [np.bincount(items, weights=np.log(likelihood[:, t]), minlength=n_items) for t in range(k)], axis=1
    )
    log_post -= log_post.max(axis=1, keepdims=True)
    post = np.exp(log_post)
    return post / post.sum(axis=1, keepdims=True)


def _m_step(
    post: FloatArray, likelihood: FloatArray, theta: FloatArray, items: IntArray,
    annotators: IntArray, codes: IntArray, n_annotators: int,
) -> tuple[FloatArray, FloatArray]:
    """New theta and xi from the expected 'knew it' indicator of every label."""
    k = post.shape[1]
    row_post = post[items]  # (rows, K)
    # P(knew | given, true = t) is nonzero only for t == given.
    knew_if_true = theta[annotators] / likelihood[np.arange(len(codes)), codes]
    knew = row_post[np.arange(len(codes)), codes] * knew_if_true
    n_rows = np.bincount(annotators, minlength=n_annotators)
    a, b = THETA_PRIOR
    knew_sum = np.bincount(annotators, weights=knew, minlength=n_annotators)
    theta_new = (knew_sum + a - 1.0 + 1e-9) / (n_rows + a + b - 2.0 + 2e-9)
    spam_counts = np.bincount(annotators * k + codes, weights=1.0 - knew, minlength=n_annotators * k)
    xi = spam_counts.reshape(n_annotators, k) + STRATEGY_PRIOR
    return theta_new, xi / xi.sum(axis=1, keepdims=True)


def annotator_competence(
    items: npt.ArrayLike, annotators: npt.ArrayLike, codes: npt.ArrayLike, *,
    n_items: int, n_annotators: int, n_classes: int,
    max_iterations: int = MAX_ITERATIONS, tolerance: float = TOLERANCE,
) -> CompetenceResult:
    """Estimate MACE competence theta_a in [0, 1] for every annotator.

    High theta: the annotator's labels track the consensus truth; low theta:
    their labels are better explained by their own fixed strategy (spam).
    Annotators without labels keep the initial value and should be ignored.
    """
    it, an, co = (np.asarray(x, dtype=np.int64) for x in (items, annotators, codes))
    theta = np.full(n_annotators, INITIAL_THETA)
    xi = np.full((n_annotators, n_classes), 1.0 / n_classes)
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007 - reported below
        likelihood = _label_likelihood(theta, xi, an, co, n_classes)
        post = _posteriors(likelihood, it, n_items)
        theta_new, xi = _m_step(post, likelihood, theta, it, an, co, n_annotators)
        converged = np.abs(theta_new - theta).max(initial=0.0) < tolerance
        theta = theta_new
        if converged:
            break
    post = _posteriors(_label_likelihood(theta, xi, an, co, n_classes), it, n_items)
    return CompetenceResult(theta, xi, post, iteration)
