"""Temperature of the Dawid-Skene posterior, fitted on held-out labels (no gold needed).

Dawid-Skene treats an item's labels as independent given its class, so its evidence
multiplies: with ten labels the posterior is 0.999+ even on items the crowd is split on,
and over a third of a real crowd's items sit at exactly 1.0, wrong ones included
(bench/quality_gold.py). Annotators' errors are correlated on hard items; the model
does not know it. The fix here is a power posterior: log P_tau(c) = tau * (log prior(c)
+ sum over labels of log pi_a(c, label)) + const, with 0 < tau <= 1 (tau = 1 is plain
Dawid-Skene; for two classes it is temperature scaling of the log-odds, so the ranking
does not change).

tau is chosen by how well the tempered posterior predicts labels it has not seen: the
labels are split in FOLDS folds; for each fold Dawid-Skene runs on the other folds, and
each held-out label (annotator a said v) gets probability sum_c P_tau(c) pi_a(c, v). The
tau with the highest held-out log-likelihood wins (bounded scalar search on log tau).
The crowd's own labels are the check, so this works without gold; with gold, the gold
items stay clamped in every fold's run. Pure numpy/scipy: arrays in, numbers out.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize_scalar

from review.metrics.dawid_skene import DEFAULT_PRIOR, FLOOR, DawidSkeneResult, dawid_skene
from review.metrics.incidence import incidence_matrix
from review.metrics.tables import FloatArray, IntArray

FOLDS = 5
MIN_TAU = 0.01
# The fit reads at most this many items (a seeded sample): tau is one number, and each
# fold is a Dawid-Skene run, so a 100k-item project need not pay five full runs for it
# (100k items x 3 labels: item_risk takes ~0.7 s untempered, ~2 s with the fit).
MAX_ITEMS = 10_000


def log_joint(
    result: DawidSkeneResult, items: npt.ArrayLike, annotators: npt.ArrayLike,
    codes: npt.ArrayLike, sizes: dict[str, int],
) -> FloatArray:  # fmt: skip
    """log prior(c) + sum of log pi_a(c, label) per item and class (rows without labels: prior)."""
    k = sizes["n_classes"]
    incidence = incidence_matrix(items, annotators, codes, **sizes)
    log_conf = np.log(np.maximum(result.confusions, FLOOR)).transpose(0, 2, 1).reshape(-1, k)
    evidence = np.asarray(incidence @ log_conf)
    return np.asarray(evidence + np.log(np.maximum(result.marginals, FLOOR)), dtype=np.float64)


def tempered(joint: FloatArray, tau: float) -> FloatArray:
    """Normalised exp(tau * joint) per row (a softmax at temperature 1 / tau)."""
    scaled = tau * joint
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    weights = np.exp(scaled)
    return np.asarray(weights / weights.sum(axis=1, keepdims=True), dtype=np.float64)


def _fold_terms(
    data: tuple[IntArray, ...],
    sizes: dict[str, int],
    known: npt.ArrayLike | None,
    prior: float,
    fold: int,
    folds: IntArray,
) -> tuple[FloatArray, FloatArray]:
    """(log joint of the training labels, held-out rows' (item, confusion row of the label))."""
    items, annotators, codes = data
    train, test = folds != fold, folds == fold
    part = (items[train], annotators[train], codes[train])
    result = dawid_skene(*part, known=known, prior=prior, **sizes)
    joint = log_joint(result, *part, sizes)
    return joint[items[test]], result.confusions[annotators[test], :, codes[test]]


def fit_temperature(
    items: npt.ArrayLike,
    annotators: npt.ArrayLike,
    codes: npt.ArrayLike,
    *,
    sizes: dict[str, int],
    known: npt.ArrayLike | None = None,
    prior: float = DEFAULT_PRIOR,
    seed: int = 0,
) -> float:
    """The tau in [MIN_TAU, 1] that best predicts held-out labels (see the module docstring).

    1.0 when there are too few labels to hold any out (fewer than two per item on average).
    """
    data = tuple(np.asarray(column, dtype=np.int64) for column in (items, annotators, codes))
    rng = np.random.default_rng(seed)
    n_items = sizes["n_items"]
    if n_items > MAX_ITEMS:
        # Renumber the sampled items 0..MAX_ITEMS-1, so each fold's run is MAX_ITEMS rows long.
        chosen = np.sort(rng.choice(n_items, MAX_ITEMS, replace=False))
        number = np.full(n_items, -1)
        number[chosen] = np.arange(MAX_ITEMS)
        keep = number[data[0]] >= 0
        data = (number[data[0][keep]], data[1][keep], data[2][keep])
        if known is not None:
            known = np.asarray(known, dtype=np.int64)[chosen]
        sizes = {**sizes, "n_items": MAX_ITEMS}
    if len(data[0]) < 2 * max(len(np.unique(data[0])), 1):
        return 1.0
    folds = rng.permutation(len(data[0])) % FOLDS
    terms = [_fold_terms(data, sizes, known, prior, fold, folds) for fold in range(FOLDS)]

    def loss(log_tau: float) -> float:
        tau = float(np.exp(log_tau))
        total = 0.0
        for joint, confusion_rows in terms:
            predicted = (tempered(joint, tau) * confusion_rows).sum(axis=1)
            total -= float(np.log(np.maximum(predicted, 1e-300)).sum())
        return total

    found = minimize_scalar(loss, bounds=(np.log(MIN_TAU), 0.0), method="bounded")
    best = float(np.exp(found.x))
    # The bounded search never evaluates the end point itself: keep tau = 1 when it is as good.
    return 1.0 if loss(0.0) <= loss(float(found.x)) else best
