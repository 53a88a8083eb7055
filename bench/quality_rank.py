"""Can the review queue's ranking do better without a model? Signals vs a stacked upper bound.

For every gold dataset and simulator setting (no model), the share of wrong labels a 20%
queue catches when ranked by: p_wrong as stored (tempered Dawid-Skene), the
competence-weighted vote (MACE competences as weights), the raw vote share, the MACE
posterior, and a logistic regression stacking all four (plus the number of labels) that is
fitted on the true wrong/right outcome of every item with 5-fold cross_val_predict. The
stacked row uses far more supervision than any project has (every item's truth, not a few
gold items), so it is an upper bound on what combining these signals with gold could buy.

    .venv/bin/python bench/quality_rank.py [--items 1000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality_datasets import gold_datasets
from quality_sim import SETTINGS, simulate

from review.metrics.aggregation import annotator_competence, dawid_skene, majority_vote
from review.metrics.competence import competence_weighted_vote
from review.metrics.method_choice import default_method
from review.metrics.review_budget import caught_share, review_queue
from review.metrics.risk import item_risk, label_risk
from review.metrics.tables import count_table

BUDGET = 0.20


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.nan_to_num(p, nan=0.5), 1e-12, 1 - 1e-12)
    return np.log(p / (1 - p))


def signals(items, annotators, codes, sizes):
    """The product's labels and each ranking signal's risk per item."""
    n, k = sizes["n_items"], sizes["n_classes"]
    counts = count_table(items, codes, n, k)
    ds = dawid_skene(items, annotators, codes, **sizes)
    vote = majority_vote(counts, tie_break=ds.posteriors)
    auto = default_method(annotators, n_classes=k)
    labels = ds.labels if auto.method == "dawid_skene" else vote.labels
    stored = item_risk(items, annotators, codes, sizes=sizes, labels=labels).p_wrong
    mace = annotator_competence(items, annotators, codes, **sizes)
    weights = mace.competence[np.asarray(annotators)]
    weighted = competence_weighted_vote(items, codes, weights, n_items=n, n_classes=k)
    share = counts[np.arange(n), labels] / np.maximum(counts.sum(axis=1), 1)
    found = {
        "p_wrong": stored,
        "competence-weighted": label_risk(np.nan_to_num(weighted), labels),
        "vote share": 1 - share + 1e-9 * stored,  # ties broken by p_wrong
        "MACE posterior": label_risk(mace.posteriors, labels),
    }
    return labels, found, np.log(counts.sum(axis=1) + 1)


def line(name, items, annotators, codes, truth, sizes) -> None:
    labels, found, size = signals(items, annotators, codes, sizes)
    wrong = labels != truth
    cells = {
        key: caught_share(review_queue(risk, budget=BUDGET), wrong) for key, risk in found.items()
    }
    features = np.column_stack([_logit(risk) for risk in found.values()] + [size])
    if min(wrong.sum(), (~wrong).sum()) >= 5:
        stacked = cross_val_predict(
            LogisticRegression(), features, wrong, cv=5, method="predict_proba"
        )[:, 1]
        cells["stacked (all truth)"] = caught_share(review_queue(stacked, budget=BUDGET), wrong)
    print(f"{name:46} " + "  ".join(f"{key} {value:.3f}" for key, value in cells.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    print(f"share of wrong labels caught by a {BUDGET:.0%} queue, per ranking signal")
    for data in gold_datasets():
        line(data.name, data.items, data.annotators, data.codes, data.gold, data.sizes)
    for number, setting in enumerate(SETTINGS):
        crowd = simulate(setting, args.items, seed=number)
        line(setting.name, crowd.items, crowd.annotators, crowd.codes, crowd.truth, crowd.sizes)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
