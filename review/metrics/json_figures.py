"""Figures for the JSON reports: rounding, undefined reasons, annotator-pair matrices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from review.metrics.results import Metric
from review.metrics.tables import IntArray

MATRIX_LIMIT = 30
DIGITS = 6


def rounded(value: float | np.floating[Any]) -> float | None:
    """Round for JSON; NaN becomes None."""
    return None if not np.isfinite(value) else round(float(value), DIGITS)


def metric_value(undefined: dict[str, str], path: str, metric: Metric) -> float | None:
    """The rounded value of ``metric``, noting its reason under ``path`` when undefined."""
    if metric.value is None:
        undefined[path] = metric.reason or "undefined"
        return None
    return round(metric.value, DIGITS)


def figure_matrix(
    names: Sequence[str],
    annotators: IntArray,
    pair_rows: list[dict[str, Any]],
    keys: Sequence[str],
) -> dict[str, Any]:
    """Square matrices of the pair figures ``keys`` over the busiest annotators (name order).

    ``pair_rows`` are {"a", "b", key: value...} entries; cells off the pairs stay None.
    """
    volume = np.bincount(annotators, minlength=len(names))
    top = [int(a) for a in np.argsort(-volume, kind="stable")[:MATRIX_LIMIT] if volume[a] > 0]
    chosen = sorted(names[a] for a in top)
    index = {name: i for i, name in enumerate(chosen)}
    grids: dict[str, list[list[Any]]] = {
        key: [[None] * len(chosen) for _ in chosen] for key in keys
    }
    for row in pair_rows:
        if row["a"] in index and row["b"] in index:
            i, j = index[row["a"]], index[row["b"]]
            for key, grid in grids.items():
                grid[i][j] = grid[j][i] = row[key]
    return {"annotators": chosen, **grids}


def aggregation_summary(method: str, codes: IntArray, labels: Sequence[str]) -> dict[str, Any]:
    """The aggregate section: method, aggregated spans/boxes, and how many carry each label."""
    counts = np.bincount(codes, minlength=len(labels)).tolist()
    return {
        "method": method,
        "count": len(codes),
        "label_counts": dict(zip(labels, counts, strict=True)),
    }
