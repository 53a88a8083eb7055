"""Quality bench on real crowd data with gold: aggregation accuracy, review-queue catch rate, p_wrong calibration.

Runs on every gold dataset in ../shared/datasets (bluebirds and each of the six
crowd_text_quiz subsets; dawid_skene_1979 has no gold and is skipped), loading
the files directly (no DB). Per dataset it prints, for every ranking signal:
accuracy of its labels, the number of wrong labels, the share of them a queue of
20% and of 15% (the default budget) of the items would hold, the most any queue
of that size could hold, and the ECE of the signal read as P(label wrong). Then
the 10-bin reliability tables of p_wrong without gold and with 20% of the items
as known gold ("honeypots": figures on the other 80%, pooled over 10 draws).
The quiz subsets are also pooled (queues per subset, shares over all 155 items).

    .venv/bin/python bench/quality_gold.py [--seeds 10]

crowd-kit's DawidSkene is a bench-only comparison, imported from CROWDKIT_PATH
(default var/crowdkit: `.venv/bin/pip install --target var/crowdkit
crowd-kit==1.4.2`); without it that row is left out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality_datasets import gold_datasets
from quality_eval import (
    PooledRow,
    Row,
    crowd_rows,
    gold_row,
    method_line,
    print_reliability,
    print_summary,
    print_table,
)
from quality_sim_model import detector_hits, detector_line, fold_model, text_estimator

from review.metrics.risk import item_risk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="gold draws per dataset")
    args = parser.parse_args()
    pooled: dict[str, list] = {}
    for data in gold_datasets():
        rows = crowd_rows(data.items, data.annotators, data.codes, data.gold, data.sizes)
        rows.append(
            gold_row(
                data.items, data.annotators, data.codes, data.gold, data.sizes, seeds=args.seeds
            )
        )
        n_items, n_annotators = data.sizes["n_items"], data.sizes["n_annotators"]
        print_table(
            f"{data.name}: {n_items} items, {n_annotators} annotators, {len(data.codes)} labels",
            rows,
        )
        print(method_line(data.annotators, data.sizes))
        model_row = _text_model(data, rows)
        print_summary(data.name, rows + ([model_row] if model_row else []))
        print_reliability("p_wrong, no gold", _find(rows, "p_wrong, project default"))
        print_reliability("p_wrong, 20% gold", rows[-1])
        if data.name.startswith("quiz/"):
            for row in rows:
                pooled.setdefault(row.name, []).append(row)
    rows = [_pool(name, parts) for name, parts in pooled.items()]
    print_table("quiz, six subsets pooled (queues per subset)", rows)
    print_summary("quiz pooled", rows)
    print_reliability("p_wrong, no gold (quiz pooled)", _find(rows, "p_wrong, project default"))
    print_reliability("p_wrong, 20% gold (quiz pooled)", rows[-1])


def _text_model(data, rows) -> Row | None:
    """A k-fold text model on the crowd's labels, gated by the majority baseline (as the
    product): print the gate, the detectors and, when used, the p_wrong row it changes."""
    if data.texts is None:
        print("   k-fold model: no item features in this dataset (model detectors n/a)")
        return None
    labels = rows[0].labels
    fold = fold_model(data.texts, labels, data.sizes["n_classes"], text_estimator())
    print(fold.gate_line())
    print(detector_line(detector_hits(fold.probabilities, labels), labels != data.gold))
    if fold.beats_baseline:
        risk = item_risk(
            data.items, data.annotators, data.codes, sizes=data.sizes, labels=labels,
            model=fold.probabilities,
        )  # fmt: skip
        row = Row("p_wrong + k-fold model", labels, risk.p_wrong, data.gold)
        print_table("  with the model", [row])
        return row
    return None


def _find(rows, prefix):
    return next(row for row in rows if row.name.startswith(prefix))


def _pool(name, rows) -> PooledRow:
    parts = [
        part
        for row in rows
        for part in (
            row.parts if isinstance(row, PooledRow) else [(row.labels, row.risk, row.truth)]
        )
    ]
    labels, risks, truths = (list(column) for column in zip(*parts, strict=True))
    return PooledRow(name, labels, risks, truths)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
