"""Agreement benchmark: prints seconds for the full report, for alpha alone, and the krippendorff package.

Phase A (default): synthetic numpy data, 200,000 items x 5 annotators drawn
from 20, 20% of the labels missing, nominal, 5 labels.
Phase B (--postgres): the same 1,000,000 annotation rows are written to a
PostgreSQL project first, then read back through review.services and reported.

    .venv/bin/python bench/agreement_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_agree .venv/bin/python bench/agreement_bench.py --postgres
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import krippendorff
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review.metrics.alpha import krippendorff_alpha
from review.metrics.inputs import Annotations, SchemaSpec
from review.metrics.report import build_report
from review.metrics.tables import count_table

N_ITEMS = 200_000
PER_ITEM = 5
POOL = 20
MISSING = 0.2
LABELS = ["a", "b", "c", "d", "e"]
SEED = 42


def synthetic() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(items, annotators, codes): 5 distinct annotators of 20 per item, 20% dropped, 70% accurate."""
    rng = np.random.default_rng(SEED)
    annotators = np.argsort(rng.random((N_ITEMS, POOL)), axis=1)[:, :PER_ITEM].ravel()
    items = np.repeat(np.arange(N_ITEMS), PER_ITEM)
    truth = rng.integers(0, len(LABELS), N_ITEMS)
    noise = rng.integers(0, len(LABELS), N_ITEMS * PER_ITEM)
    codes = np.where(rng.random(N_ITEMS * PER_ITEM) < 0.7, truth[items], noise)
    keep = rng.random(N_ITEMS * PER_ITEM) >= MISSING
    return items[keep], annotators[keep], codes[keep]


def timed(label: str, func, repeat: int = 3):
    """Best of ``repeat`` wall-clock runs; prints and returns (seconds, result)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<46} {best:8.3f} s")
    return best, result


def bench_arrays(items: np.ndarray, annotators: np.ndarray, codes: np.ndarray) -> None:
    """Time the full report, our alpha, and the krippendorff package on the same matrix."""
    data = Annotations(items, annotators, codes, N_ITEMS, [f"annotator{a}" for a in range(POOL)])
    schema = SchemaSpec("single", labels=LABELS)
    _, report = timed(
        "full report (all metrics, 1000 bootstrap)", lambda: build_report(data, schema), 1
    )
    ours, alpha = timed(
        "alpha alone (long form -> counts -> alpha)",
        lambda: krippendorff_alpha(count_table(items, codes, N_ITEMS, len(LABELS))).value,
    )
    matrix = np.full((POOL, N_ITEMS), np.nan)
    matrix[annotators, items] = codes
    theirs, reference = timed(
        "krippendorff package (reliability matrix)",
        lambda: krippendorff.alpha(matrix, level_of_measurement="nominal"),
    )
    print(
        f"alpha ours {alpha:.6f} package {reference:.6f}; report alpha {report['krippendorff_alpha']['nominal']}"
    )
    print(f"ratio ours / package: {ours / theirs:.3f} (target <= 1.2)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--postgres", action="store_true", help="load 1,000,000 rows into PostgreSQL first"
    )
    args = parser.parse_args()
    items, annotators, codes = synthetic()
    print(
        f"{N_ITEMS} items, {len(items)} annotations, {POOL} annotators, nominal, {len(LABELS)} labels"
    )
    if args.postgres:
        parser.error("the PostgreSQL load path is not written yet")
    bench_arrays(items, annotators, codes)


if __name__ == "__main__":
    main()
