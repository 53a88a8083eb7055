"""Figures shared by bench/quality_gold.py and bench/quality_sim.py (pure functions, no DB).

For one crowd with known truth: accuracy of each aggregate, the share of its
wrong labels that a review queue of 20% and of 15% of the items would hold when
ranked by each signal, and the expected calibration error of each signal read
as "probability that the label is wrong". Every figure goes through the same
review.metrics functions the service layer calls (dawid_skene, majority_vote,
annotator_competence, item_risk, review_queue, expected_calibration_error).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from review.metrics.aggregation import (
    annotator_competence,
    dawid_skene,
    majority_vote,
    tie_priority,
)
from review.metrics.calibration import expected_calibration_error, reliability_table
from review.metrics.competence import competence_weighted_vote
from review.metrics.method_choice import default_method
from review.metrics.review_budget import DEFAULT_BUDGET, caught_share, review_queue
from review.metrics.risk import item_risk, label_risk
from review.metrics.tables import count_table

BUDGETS = (0.20, DEFAULT_BUDGET)
GOLD_SHARE = 0.20  # share of items whose gold answer is known to the run ("honeypots")
GOLD_SEEDS = 10
# crowd-kit lives outside the venv (its dependencies are heavy and bench-only).
CROWDKIT_PATH = os.environ.get(
    "CROWDKIT_PATH", str(Path(__file__).resolve().parents[1] / "var" / "crowdkit")
)


@dataclass
class Row:
    """One aggregate/signal: its labels and its risk (P(label wrong)), per evaluated item."""

    name: str
    labels: np.ndarray
    risk: np.ndarray
    truth: np.ndarray


def _row_figures(row: Row) -> dict[str, float | None]:
    wrong = row.labels != row.truth
    figures: dict[str, float | None] = {
        "accuracy": float(1 - wrong.mean()),
        "wrong": int(wrong.sum()),
    }
    for budget in BUDGETS:
        figures[f"caught@{budget:.0%}"] = caught_share(review_queue(row.risk, budget=budget), wrong)
        reachable = min(1.0, np.floor(budget * len(wrong) + 1e-9) / max(int(wrong.sum()), 1))
        figures[f"max@{budget:.0%}"] = reachable if wrong.any() else None
    figures["ece"] = expected_calibration_error(row.risk, wrong)
    return figures


def crowdkit_posteriors(items, annotators, codes, n_items: int, n_classes: int):
    """crowd-kit's DawidSkene (bench-only comparison) or None when it cannot be imported."""
    if CROWDKIT_PATH not in sys.path:
        sys.path.append(CROWDKIT_PATH)
    try:
        import pandas as pd
        from crowdkit.aggregation import DawidSkene
    except ImportError:
        return None
    frame = pd.DataFrame({"task": items, "worker": annotators, "label": codes})
    probas = DawidSkene(n_iter=100).fit(frame).probas_
    table = np.full((n_items, n_classes), np.nan)
    for column in probas.columns:
        table[probas.index.to_numpy(), int(column)] = probas[column].to_numpy()
    return np.nan_to_num(table)


def method_line(annotators, sizes) -> str:
    """The project default method the data picks, and why (review.metrics.method_choice)."""
    choice = default_method(annotators, n_classes=sizes["n_classes"])
    return f"   project default = {choice.method}: {choice.reason}"


def crowd_rows(items, annotators, codes, truth, sizes, model=None) -> list[Row]:
    """Every ranking signal computed without gold, evaluated on all items.

    The first row is what the product stores: the project default method's labels (majority
    with posterior ties, or Dawid-Skene, by review.metrics.method_choice) and p_wrong = 1 -
    the tempered smoothed Dawid-Skene posterior of that label (review.metrics.risk.item_risk);
    "DS smoothed" is the untempered posterior (p_wrong before calibration).
    """
    n_items, k = sizes["n_items"], sizes["n_classes"]
    counts = count_table(items, codes, n_items, k)
    ds = dawid_skene(items, annotators, codes, **sizes)
    raw = dawid_skene(items, annotators, codes, prior=0.0, **sizes)
    vote = majority_vote(counts, tie_break=ds.posteriors)
    old_vote = majority_vote(counts, tie_priority(counts))
    mace = annotator_competence(items, annotators, codes, **sizes)
    weights = mace.competence[np.asarray(annotators)]
    weighted = np.nan_to_num(
        competence_weighted_vote(items, codes, weights, n_items=n_items, n_classes=k)
    )
    rows = [
        Row("majority (ties: DS posterior)", vote.labels, 1 - vote.confidence, truth),
        Row("majority (ties: project freq.)", old_vote.labels, 1 - old_vote.confidence, truth),
        Row("DS unsmoothed (prior 0)", raw.labels, label_risk(raw.posteriors), truth),
        Row("DS smoothed (diagonal prior)", ds.labels, label_risk(ds.posteriors), truth),
        Row("MACE posterior", mace.posteriors.argmax(1), label_risk(mace.posteriors), truth),
        Row("competence-weighted vote", weighted.argmax(1), label_risk(weighted), truth),
    ]
    auto = default_method(annotators, n_classes=k)
    chosen = ds.labels if auto.method == "dawid_skene" else vote.labels
    stored = item_risk(items, annotators, codes, sizes=sizes, labels=chosen)  # tempered
    rows.insert(0, Row("p_wrong, project default, no gold", chosen, stored.p_wrong, truth))
    kit = crowdkit_posteriors(items, annotators, codes, n_items, k)
    if kit is not None:
        rows.insert(3, Row("crowd-kit DawidSkene", kit.argmax(1), label_risk(kit), truth))
    if model is not None:
        risk = item_risk(items, annotators, codes, sizes=sizes, model=model)
        rows.append(Row("p_wrong + model, no gold", risk.labels, risk.p_wrong, truth))
    return rows


def gold_row(
    items, annotators, codes, truth, sizes, model=None, seeds=GOLD_SEEDS, share=GOLD_SHARE
) -> Row:
    """p_wrong with ``share`` of the items as known gold, pooled over seeds; scored on the rest.

    Each seed draws its own gold items; the queue is taken per seed among the
    items without gold, so figures are pooled (sum of caught / sum of wrong).
    """
    labels, risks, truths = [], [], []
    for seed in range(seeds):
        held = np.random.default_rng(seed).random(sizes["n_items"]) < share
        gold = np.where(held, truth, -1)
        result = item_risk(items, annotators, codes, sizes=sizes, gold=gold, model=model, seed=seed)
        labels.append(result.labels[~held])
        risks.append(result.p_wrong[~held])
        truths.append(truth[~held])
    suffix = " + model" if model is not None else ""
    return PooledRow(f"p_wrong{suffix}, {share:.0%} gold", labels, risks, truths)


class PooledRow(Row):
    """A row made of several runs: queues are taken per run, shares pooled."""

    def __init__(self, name, labels, risks, truths):
        super().__init__(
            name, np.concatenate(labels), np.concatenate(risks), np.concatenate(truths)
        )
        self.parts = list(zip(labels, risks, truths, strict=True))


def figures(row: Row) -> dict[str, float | None]:
    """Accuracy, wrong count, caught shares (queue per part for pooled rows), max reachable, ECE."""
    if not isinstance(row, PooledRow):
        return _row_figures(row)
    result = _row_figures(row)
    for budget in BUDGETS:
        caught = total = reachable = 0
        for labels, risk, truth in row.parts:
            wrong = labels != truth
            caught += wrong[review_queue(risk, budget=budget)].sum()
            total += wrong.sum()
            reachable += min(wrong.sum(), np.floor(budget * len(wrong) + 1e-9))
        result[f"caught@{budget:.0%}"] = caught / total if total else None
        result[f"max@{budget:.0%}"] = reachable / total if total else None
    result["wrong"] = round(float(total) / len(row.parts), 1)  # wrong labels per run
    return result


def _cell(value) -> str:
    if value is None:
        return "   -  "
    if isinstance(value, int | np.integer):
        return f"{value:6d}"
    return f"{value:6.1f}" if value > 1 else f"{value:6.3f}"


def print_table(title: str, rows: list[Row]) -> None:
    """One line per signal: accuracy, wrong, caught at 20%/15% (and the reachable max), ECE."""
    print(f"\n== {title}")
    print(
        f"{'signal':34} {'acc':>6} {'wrong':>6} {'c@20%':>6} {'max':>6} {'c@15%':>6} {'max':>6} {'ECE':>6}"
    )
    for row in rows:
        f = figures(row)
        cells = [f["accuracy"], f["wrong"], f["caught@20%"], f["max@20%"], f["caught@15%"]]
        cells += [f["max@15%"], f["ece"]]
        print(f"{row.name:34} " + " ".join(_cell(c) for c in cells))


def print_reliability(title: str, row: Row) -> None:
    """The 10-bin reliability table of one signal's risk against its wrong labels."""
    wrong = row.labels != row.truth
    print(f"-- reliability of {title}: ECE {_cell(expected_calibration_error(row.risk, wrong))}")
    print("   bin          n   mean p_wrong  observed wrong")
    for b in reliability_table(row.risk, wrong):
        print(
            f"   [{b.low:.1f}, {b.high:.1f}) {b.count:5d}   {_cell(b.mean_predicted)}        {_cell(b.observed)}"
        )


def _queued_share(row: Row, budget: float) -> float:
    """Share of the evaluated items a queue of ``budget`` holds (pooled rows: over all parts)."""
    parts = row.parts if isinstance(row, PooledRow) else [(row.labels, row.risk, row.truth)]
    queued = sum(len(review_queue(risk, budget=budget)) for _, risk, _ in parts)
    return queued / max(sum(len(labels) for labels, _, _ in parts), 1)


def print_summary(title: str, rows: list[Row]) -> None:
    """The issue's figures in one block: aggregate accuracy against crowd-kit's Dawid-Skene,
    share queued and share of wrong labels caught at the default budget, and ECE of p_wrong
    before calibration (the untempered posterior) and after, for each p_wrong row."""
    by_name = {row.name: figures(row) for row in rows}
    kit = by_name.get("crowd-kit DawidSkene")
    before = by_name.get("DS smoothed (diagonal prior)", {}).get("ece")
    print(f"-- summary {title}: crowd-kit DS accuracy {_cell(kit['accuracy']) if kit else '  n/a '}"
          f", untempered DS posterior ECE {_cell(before)}")  # fmt: skip
    for row in rows:
        if not row.name.startswith("p_wrong"):
            continue
        f = by_name[row.name]
        print(
            f"   {row.name:34} accuracy {_cell(f['accuracy'])}  queued {_cell(_queued_share(row, DEFAULT_BUDGET))}"
            f"  caught {_cell(f[f'caught@{DEFAULT_BUDGET:.0%}'])}  (at 20%: {_cell(f['caught@20%'])})"
            f"  ECE {_cell(f['ece'])}"
        )
