"""p_wrong: the calibrated probability that each item's current label is wrong.

Evidence, combined in one posterior over the true class of every item:
- the crowd: smoothed Dawid-Skene (Dirichlet prior of one pseudo-count per confusion cell
  on average, half of each row's on the diagonal: see dawid_skene.py);
- gold: items with a known answer are clamped to it inside EM, so each
  annotator's confusion matrix, and therefore the weight of their labels on
  every other item, reflects their performance on gold;
- a model, optional: out-of-fold class probabilities (never in-sample ones: a
  model trained on the labels agrees with them). They enter as an independent
  expert, posterior * model / class marginals (naive Bayes). The caller passes
  them only for a model that beats the majority-class baseline in cross-validation.

p_wrong = 1 - posterior(current label). Calibration:
- with at least MIN_GOLD gold items, cross-fitted Platt scaling: the gold items
  are split in GOLD_FOLDS folds; each fold is scored by a run that does not see
  its gold, and a Platt map (Platt's smoothed targets, so all-right gold still
  fits; penalised towards the identity) is fitted on those held-out scores, then
  applied to every item without gold (method "gold_platt"). Gold items
  themselves get 0 or 1: their label is known to be right or wrong;
- otherwise p_wrong is the tempered Dawid-Skene posterior (method "tempered"): the
  crowd's log-evidence is scaled by a temperature tau <= 1 fitted on held-out labels
  (review.metrics.tempering), which undoes most of the over-confidence of a posterior
  that multiplies correlated labels as if independent. With gold, Platt's map is fitted
  on tempered held-out scores and applied to tempered ones.
``temper=False`` skips the fit (method "posterior": p_wrong is the posterior itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

from review.metrics.calibration import PlattScaling, platt_fit
from review.metrics.dawid_skene import DEFAULT_PRIOR, dawid_skene
from review.metrics.tables import FloatArray, IntArray
from review.metrics.tempering import fit_temperature, log_joint, tempered

MIN_GOLD = 5
GOLD_FOLDS = 5
# Model probabilities are floored so one confident model cannot zero out a class the crowd backs.
MODEL_FLOOR = 1e-3


@dataclass(frozen=True)
class RiskResult:
    """Per item: p_wrong (calibrated), raw p_wrong, current label, combined posterior.

    ``calibration`` is "gold_platt", "tempered" or "posterior"; ``platt`` the map applied,
    ``temperature`` the tau of the tempered posterior (1.0: not tempered).
    """

    p_wrong: FloatArray
    raw: FloatArray
    labels: IntArray
    posteriors: FloatArray
    calibration: str
    platt: PlattScaling
    temperature: float = 1.0


def label_risk(posteriors: FloatArray, labels: npt.ArrayLike | None = None) -> FloatArray:
    """1 - posterior of each item's label (the MAP class when ``labels`` is None); NaN if none.

    Summed over the other classes rather than computed as 1 - p, so that a risk of
    1e-40 stays 1e-40 (and ranks) instead of rounding to 0.
    """
    post = np.asarray(posteriors, dtype=np.float64)
    codes = _map_labels(post) if labels is None else np.asarray(labels, dtype=np.int64)
    others = np.nan_to_num(post).copy()
    np.put_along_axis(others, np.maximum(codes, 0)[:, None], 0.0, axis=1)
    unlabelled = (codes < 0) | np.isnan(post).any(axis=1)
    return np.where(unlabelled, np.nan, np.minimum(others.sum(axis=1), 1.0))


def _map_labels(posteriors: FloatArray) -> IntArray:
    unlabelled = np.isnan(posteriors).any(axis=1)
    return np.where(unlabelled, -1, np.nan_to_num(posteriors).argmax(axis=1))


def combine_with_model(
    posteriors: FloatArray, model: FloatArray | None, marginals: FloatArray
) -> FloatArray:
    """Crowd posterior x model probabilities / class marginals, renormalised per item.

    Rows where the model has no (finite) probabilities keep the crowd posterior;
    items without labels but with a model get the model's probabilities.
    """
    if model is None:
        return posteriors
    probs = np.maximum(np.asarray(model, dtype=np.float64), MODEL_FLOOR)
    # all(axis=1) of a 2-D array is an array; numpy's stubs also allow a scalar.
    has_model = cast(npt.NDArray[np.bool_], np.isfinite(probs).all(axis=1))
    crowd = np.where(np.isnan(posteriors), np.asarray(marginals)[None, :], posteriors)
    joint = crowd * np.where(has_model[:, None], probs / np.maximum(marginals, 1e-12), 1.0)
    joint /= joint.sum(axis=1, keepdims=True)
    return np.where(has_model[:, None], joint, posteriors)


def _posterior(
    data: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike],
    sizes: dict[str, int],
    known: IntArray,
    model: FloatArray | None,
    prior: float,
    taus: tuple[float, ...] = (1.0,),
) -> list[FloatArray]:
    """Gold-clamped smoothed Dawid-Skene, tempered by each of ``taus``, combined with the model."""
    crowd = dawid_skene(*data, known=known, prior=prior, **sizes)
    found = []
    for tau in taus:
        posteriors = crowd.posteriors
        if tau != 1.0:
            warm = tempered(log_joint(crowd, *data, sizes), tau)
            posteriors = np.where(np.isnan(posteriors), np.nan, warm)
        found.append(combine_with_model(posteriors, model, crowd.marginals))
    return found


def _held_out_scores(
    data: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike],
    sizes: dict[str, int],
    gold: IntArray,
    labels: IntArray | None,
    model: FloatArray | None,
    prior: float,
    seed: int,
    tau: float,
) -> tuple[FloatArray, FloatArray]:
    """Raw p_wrong of every gold item from a run blind to its fold's gold, and its outcome."""
    rows = np.nonzero(gold >= 0)[0]
    folds = np.random.default_rng(seed).permutation(len(rows)) % GOLD_FOLDS
    scores, outcomes = [], []
    for fold in range(GOLD_FOLDS):
        held = rows[folds == fold]
        if not len(held):
            continue
        known = gold.copy()
        known[held] = -1
        (post,) = _posterior(data, sizes, known, model, prior, (tau,))
        current = _map_labels(post)[held] if labels is None else labels[held]
        scores.append(label_risk(post[held], current))
        outcomes.append((current != gold[held]).astype(np.float64))
    return np.concatenate(scores), np.concatenate(outcomes)


def item_risk(
    items: npt.ArrayLike,
    annotators: npt.ArrayLike,
    codes: npt.ArrayLike,
    *,
    sizes: dict[str, int],
    labels: npt.ArrayLike | None = None,
    gold: npt.ArrayLike | None = None,
    model: FloatArray | None = None,
    prior: float = DEFAULT_PRIOR,
    seed: int = 0,
    temper: bool = True,
) -> RiskResult:
    """p_wrong per item from long-form labels (see the module docstring for the method).

    ``sizes``: n_items, n_annotators, n_classes. ``labels``: each item's current
    label code (final if settled, else the aggregate; -1 for none), or None to
    take the posterior's MAP class. ``gold``: known class per item (-1 unknown).
    ``model``: (n_items, n_classes) out-of-fold probabilities, NaN rows where none.
    The fold split is seeded, so the same input gives the same result.
    """
    data = (items, annotators, codes)
    n_items = sizes["n_items"]
    known = np.full(n_items, -1) if gold is None else np.asarray(gold, dtype=np.int64)
    given = None if labels is None else np.asarray(labels, dtype=np.int64)
    tau = (
        fit_temperature(*data, sizes=sizes, known=known, prior=prior, seed=seed) if temper else 1.0
    )
    posteriors, warmed = _posterior(data, sizes, known, model, prior, (1.0, tau))
    current = _map_labels(posteriors) if given is None else given
    raw = label_risk(posteriors, current)
    warm = label_risk(warmed, current)
    platt, method = PlattScaling(), "tempered" if temper else "posterior"
    if (known >= 0).sum() >= MIN_GOLD:
        scores, outcomes = _held_out_scores(data, sizes, known, given, model, prior, seed, tau)
        if len(outcomes):
            platt, method = platt_fit(scores, outcomes), "gold_platt"
    p_wrong = platt.apply(warm) if method == "gold_platt" else warm
    is_gold = (known >= 0) & (current >= 0)
    p_wrong = np.where(is_gold, (current != known).astype(np.float64), p_wrong)
    return RiskResult(p_wrong, raw, current, posteriors, method, platt, tau)
