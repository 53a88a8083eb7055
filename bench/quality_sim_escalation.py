"""Escalation in the crowd simulator: what extra labels on risky items buy (helper of quality_sim.py).

Every item gets up to MAX_OVERLAP labels drawn in advance from distinct annotators, so all
policies see the same labels (paired comparison): "k=3" uses the first three; escalation
adds the next one to the items the review budget would queue (p_wrong within the riskiest
`share` of items, review.metrics.review_queue, as the product's high_risk escalation), one
round at a time up to MAX_OVERLAP, recomputing p_wrong after each round; "k=5 everywhere"
is the cost reference. After the last round the default 15% queue goes to review. Columns:
labels used, extra labels, accuracy, wrong labels, share of them the queue catches, wrong
labels left after review (not queued), and wrong labels removed (fixed by the new labels or
caught) per 100 extra labels, against k=3.
"""

from __future__ import annotations

import numpy as np

from review.metrics.review_budget import DEFAULT_BUDGET, caught_share, review_queue
from review.metrics.risk import item_risk

START = 3
MAX_OVERLAP = 5


def label_pool(setting, n_items: int, seed: int, label_fn, types_fn):
    """Truth and an (items, MAX_OVERLAP) table of (annotator, label) drawn from the setting."""
    rng = np.random.default_rng(seed)
    k = len(setting.prior)
    truth = rng.choice(k, n_items, p=np.array(setting.prior))
    hard = rng.random(n_items) < setting.hard_share
    types = types_fn(setting, rng)
    constants = [int(rng.integers(k)) if rng.random() < 0.5 else -1 for _ in types]
    who = np.array([rng.choice(len(types), MAX_OVERLAP, replace=False) for _ in range(n_items)])
    said = np.array(
        [
            [label_fn(*types[a], truth[i], hard[i], k, rng, constants[a]) for a in who[i]]
            for i in range(n_items)
        ]
    )
    sizes = {"n_items": n_items, "n_annotators": len(types), "n_classes": k}
    return truth, who, said, sizes


def _run(who, said, sizes, counts):
    """Dawid-Skene labels and p_wrong from the first counts[i] labels of each item."""
    mask = np.arange(MAX_OVERLAP)[None, :] < counts[:, None]
    items = np.nonzero(mask)[0]
    return item_risk(items, who[mask], said[mask], sizes=sizes)


def _escalate(who, said, sizes, share: float) -> np.ndarray:
    """Label counts after escalating the riskiest `share` of items, round by round."""
    counts = np.full(len(who), START)
    for _ in range(MAX_OVERLAP - START):
        risk = _run(who, said, sizes, counts)
        queued = review_queue(risk.p_wrong, budget=share)
        grow = queued[counts[queued] < MAX_OVERLAP]
        if not len(grow):
            break
        counts[grow] += 1
    return counts


def _figures(truth, who, said, sizes, counts) -> dict[str, float]:
    risk = _run(who, said, sizes, counts)
    wrong = risk.labels != truth
    queue = review_queue(risk.p_wrong, budget=DEFAULT_BUDGET)
    left = int(wrong.sum() - wrong[queue].sum())
    return {
        "labels": int(counts.sum()), "accuracy": float(1 - wrong.mean()),
        "wrong": int(wrong.sum()), "caught": caught_share(queue, wrong) or 0.0, "left": left,
    }  # fmt: skip


def escalation_table(setting, n_items: int, seed: int, label_fn, types_fn) -> None:
    """Print the escalation table of one setting."""
    truth, who, said, sizes = label_pool(setting, n_items, seed, label_fn, types_fn)
    policies = [
        ("k=3, no escalation", np.full(n_items, START)),
        ("escalate riskiest 15%/round to 5", _escalate(who, said, sizes, DEFAULT_BUDGET)),
        ("escalate riskiest 30%/round to 5", _escalate(who, said, sizes, 0.30)),
        ("k=5 everywhere", np.full(n_items, MAX_OVERLAP)),
    ]
    print(f"-- escalation, {setting.name} ({n_items} items; review queue {DEFAULT_BUDGET:.0%}):")
    print(f"   {'policy':34} labels  extra    acc  wrong  c@15%  left  removed/100 extra")
    base = None
    for name, counts in policies:
        f = _figures(truth, who, said, sizes, counts)
        base = base or f
        extra = f["labels"] - base["labels"]
        removed = base["left"] - f["left"]
        rate = f"{100 * removed / extra:6.1f}" if extra else "     -"
        print(
            f"   {name:34} {f['labels']:6d} {extra:6d}  {f['accuracy']:.3f} {f['wrong']:6d}"
            f"  {f['caught']:.3f} {f['left']:5d}  {rate}"
        )
