"""Crowd simulator for the quality bench: the gold bench's figures on synthetic crowds with known truth.

Annotator types: good (accuracy 0.85-0.95), careless (0.55-0.75), biased (0.85,
but labels the rare class as the commonest one 60% of the time), spammers (half
click at random, half always give one label). Items: a share are hard (every
annotator's edge over chance shrinks to 40% on them); the last class is rare.
A model, where a setting has one, gives out-of-fold class probabilities with a
given mean accuracy: per item a confidence c ~ Beta around the accuracy, the
predicted class is right with probability c and gets probability c (calibrated).
Settings with a "k-fold model" instead give items synthetic features and train a
model on the crowd's own (noisy) labels with 5-fold cross_val_predict, as the
product does (bench/quality_sim_model.py): its held-out probabilities enter
p_wrong only when it beats the majority baseline, and the two model detectors
(likely label error, model disagrees) are reported on them. One of these settings
has features without signal, to show the model being skipped.

After the settings, an escalation table (bench/quality_sim_escalation.py): the
riskiest items get one more label at a time up to k=5, and it prints how many
extra labels bought how many fixed and caught wrong labels.

For each setting it prints the same table as bench/quality_gold.py (accuracy,
wrong labels, share caught by a 20% and a 15% queue, ECE per signal) plus
p_wrong with a small gold share, and the reliability table of p_wrong.

    .venv/bin/python bench/quality_sim.py [--items 1000] [--seeds 3] [--through-db]

By default the labels go straight to the pure functions the service layer calls
(review.metrics). --through-db first imports every setting as a project through
labeling's import service (JSON Lines, the real import path) into a throwaway
SQLite database, reads the labels back with review.loaders.annotations.project_data (what
the agreement run reads), and checks they equal the simulated ones before
computing the figures from what was read back.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality_eval import (
    Row,
    crowd_rows,
    gold_row,
    method_line,
    print_reliability,
    print_summary,
    print_table,
)
from quality_sim_escalation import START, escalation_table
from quality_sim_model import detector_hits, detector_line, features, fold_model

from review.metrics.risk import item_risk


@dataclass(frozen=True)
class Setting:
    """One simulated crowd: annotator mix, overlap, hard share, class prior, model accuracy."""

    name: str
    overlap: int = 3
    mix: dict[str, float] = field(
        default_factory=lambda: {"good": 0.6, "careless": 0.2, "biased": 0.1, "spammer": 0.1}
    )
    hard_share: float = 0.2
    prior: tuple[float, ...] = (0.45, 0.3, 0.2, 0.05)
    model_accuracy: float | None = None
    separation: float | None = None  # k-fold model on synthetic features of this strength
    gold_share: float = 0.05
    annotators: int = 40


SETTINGS = [
    Setting("k=3, realistic mix"),
    Setting("k=5, realistic mix", overlap=5),
    Setting("k=3, realistic mix + model 0.85", model_accuracy=0.85),
    Setting("k=3, heavy spam", mix={"good": 0.4, "careless": 0.2, "biased": 0.1, "spammer": 0.3}),
    Setting("k=5, rare class 2%", overlap=5, prior=(0.5, 0.3, 0.18, 0.02)),
    Setting("k=3, easy items, good crowd", hard_share=0.0, mix={"good": 0.8, "careless": 0.2}),
    # Appended, so the settings above keep their seeds (and their figures).
    Setting("k=3, realistic mix + k-fold model", separation=1.5),
    Setting("k=3, realistic mix + weak k-fold model", separation=0.7),
    Setting("k=3, realistic mix + k-fold model, no signal", separation=0.0),
]


@dataclass
class Crowd:
    """Long-form labels with truth (and model probabilities where the setting has a model)."""

    items: np.ndarray
    annotators: np.ndarray
    codes: np.ndarray
    truth: np.ndarray
    model: np.ndarray | None
    sizes: dict[str, int]
    features: np.ndarray | None = None


def _annotator_types(setting: Setting, rng: np.random.Generator) -> list[tuple[str, float]]:
    kinds = list(setting.mix)
    shares = np.array([setting.mix[k] for k in kinds])
    drawn = rng.choice(len(kinds), setting.annotators, p=shares / shares.sum())
    accuracy = {"good": (0.85, 0.95), "careless": (0.55, 0.75), "biased": (0.85, 0.85)}
    return [(kinds[d], rng.uniform(*accuracy.get(kinds[d], (0.0, 0.0)))) for d in drawn.tolist()]


def _label(kind: str, accuracy: float, truth: int, hard: bool, k: int, rng, constant: int) -> int:
    """One annotator's label for one item."""
    if kind == "spammer":
        return constant if constant >= 0 else int(rng.integers(k))
    if kind == "biased" and truth == k - 1 and rng.random() < 0.6:
        return 0
    chance = 1.0 / k
    p_right = chance + (accuracy - chance) * (0.4 if hard else 1.0)
    if rng.random() < p_right:
        return truth
    return int(rng.choice([c for c in range(k) if c != truth]))


def simulate(setting: Setting, n_items: int, seed: int) -> Crowd:
    """Draw truth, item difficulty, annotators, k labels per item and the model's probabilities."""
    rng = np.random.default_rng(seed)
    k = len(setting.prior)
    truth = rng.choice(k, n_items, p=np.array(setting.prior))
    hard = rng.random(n_items) < setting.hard_share
    types = _annotator_types(setting, rng)
    constants = [int(rng.integers(k)) if rng.random() < 0.5 else -1 for _ in types]
    rows = []
    for i in range(n_items):
        for a in rng.choice(len(types), setting.overlap, replace=False).tolist():
            kind, accuracy = types[a]
            rows.append((i, a, _label(kind, accuracy, truth[i], hard[i], k, rng, constants[a])))
    items, annotators, codes = (np.array(c, dtype=np.int64) for c in zip(*rows, strict=True))
    model = (
        None if setting.model_accuracy is None else _model(setting.model_accuracy, truth, k, rng)
    )
    sizes = {"n_items": n_items, "n_annotators": len(types), "n_classes": k}
    x = None if setting.separation is None else features(truth, k, setting.separation, rng)
    return Crowd(items, annotators, codes, truth, model, sizes, x)


def _model(accuracy: float, truth: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Calibrated out-of-fold probabilities: confidence c, right with probability c."""
    confidence = np.clip(rng.beta(accuracy * 8, (1 - accuracy) * 8, len(truth)), 1.0 / k, 0.999)
    right = rng.random(len(truth)) < confidence
    wrong_class = (truth + rng.integers(1, k, len(truth))) % k
    predicted = np.where(right, truth, wrong_class)
    probs = np.repeat(((1 - confidence) / (k - 1))[:, None], k, axis=1)
    probs[np.arange(len(truth)), predicted] = confidence
    return probs


def _fold_model_row(crowd: Crowd, labels: np.ndarray):
    """The product's p_wrong with a k-fold model trained on the crowd's labels (if it beats
    the baseline), keeping those labels as the current ones; and the detectors' figures."""
    fold = fold_model(crowd.features, labels, crowd.sizes["n_classes"])
    model = fold.probabilities if fold.beats_baseline else None
    risk = item_risk(
        crowd.items, crowd.annotators, crowd.codes, sizes=crowd.sizes, labels=labels, model=model
    )
    name = "p_wrong + k-fold model, no gold" if model is not None else "p_wrong, model skipped"
    wrong = labels != crowd.truth
    line = detector_line(detector_hits(fold.probabilities, labels), wrong)
    if model is None:
        line += " (shown for reference; the product skips them)"
    return fold, Row(name, labels, risk.p_wrong, crowd.truth), line


def report(setting: Setting, crowd: Crowd, seeds: int) -> None:
    """Print the setting's table and the reliability tables of p_wrong."""
    data = (crowd.items, crowd.annotators, crowd.codes, crowd.truth, crowd.sizes)
    rows = crowd_rows(*data, model=crowd.model)
    notes = []
    if crowd.features is not None:
        fold, row, line = _fold_model_row(crowd, rows[0].labels)
        rows.append(row)
        notes = [fold.gate_line(), line]
    rows.append(gold_row(*data, model=crowd.model, seeds=seeds, share=setting.gold_share))
    n, labels = crowd.sizes["n_items"], len(crowd.codes)
    print_table(
        f"{setting.name}: {n} items, {crowd.sizes['n_annotators']} annotators, {labels} labels",
        rows,
    )
    print(method_line(crowd.annotators, crowd.sizes))
    print_summary(setting.name, rows)
    for note in notes:
        print(note)
    prefixes = ("p_wrong + k-fold", "p_wrong + model", "p_wrong, project")
    no_gold = next(r for p in prefixes for r in rows if r.name.startswith(p))
    print_reliability(no_gold.name, no_gold)
    print_reliability(rows[-1].name, rows[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=3, help="gold draws per setting")
    parser.add_argument("--through-db", action="store_true", help="import via labeling first")
    args = parser.parse_args()
    for number, setting in enumerate(SETTINGS):
        crowd = simulate(setting, args.items, seed=number)
        if args.through_db:
            from quality_sim_db import through_db

            crowd = through_db(crowd, name=setting.name)
        report(setting, crowd, args.seeds)
    for number, setting in enumerate(SETTINGS):
        if (
            setting.overlap == START
            and setting.model_accuracy is None
            and setting.separation is None
        ):
            escalation_table(setting, args.items, number, _label, _annotator_types)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
