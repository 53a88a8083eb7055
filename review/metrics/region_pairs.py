"""Cohen's kappa per annotator pair for spans and boxes, over the units their alpha uses.

The `agreement --json` contract lists ``cohen_kappa_pairs`` for every project. For spans
the units are tokens (review.metrics.spans.tokens: every annotation of an item gives each
of its tokens "O" or a label); for boxes they are box clusters (review.metrics.boxes.clusters:
every annotation of the item gives each cluster "absent" or the label of its box there).
A pair's ``n`` is then the shared tokens, or the shared clusters. Per annotator, the pooled
share of agreeing unit pairs with everyone else and the mean of their pair kappas fill the
same ``agreement_with_others`` and ``mean_kappa`` fields as for single-label projects.

Most tokens carry no label from anyone; they are only ever "O" / "O" pairs. Building the
long form for those alone would take 90% of the time, so they are added to each pair's
("O", "O") cell by count instead (``quiet`` tokens per item times the item's row pairs).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from review.metrics.agreement import pair_agreements
from review.metrics.json_figures import rounded
from review.metrics.kappa import PairTable, cohen_kappas, within_item_pairs
from review.metrics.layout import ItemLayout, expand
from review.metrics.sections import cohen_pairs
from review.metrics.tables import IntArray


def unit_values(
    unit_items: IntArray,
    layout: ItemLayout,
    cells: tuple[IntArray, IntArray, IntArray],
) -> tuple[IntArray, IntArray, IntArray]:
    """(unit, annotation row, code) for every unit and every annotation row of the unit's item.

    The code is 0 ("O" / "absent") unless ``cells`` = (rows, units, codes) sets it.
    """
    sizes = layout.size[unit_items]
    owner, offset = expand(sizes)
    rows = layout.members[layout.start[unit_items[owner]] + offset]
    codes = np.zeros(len(owner), dtype=np.int64)
    unit_start = np.cumsum(sizes) - sizes
    cell_rows, cell_units, cell_codes = cells
    codes[unit_start[cell_units] + layout.position[cell_rows]] = cell_codes
    return owner, rows, codes


def _table(
    keys: IntArray, flat_cells: IntArray, weights: np.ndarray, n_annotators: int, n_values: int
) -> PairTable:
    """A PairTable from pair keys (first * n_annotators + second), confusion cells, weights."""
    distinct, inverse = np.unique(keys, return_inverse=True)
    width = n_values * n_values
    confusion = np.bincount(
        inverse * width + flat_cells, weights=weights, minlength=len(distinct) * width
    )
    confusion = np.rint(confusion).astype(np.int64).reshape(-1, n_values, n_values)
    n = confusion.sum(axis=(1, 2))
    keep = n > 0
    return PairTable(
        distinct[keep] // n_annotators, distinct[keep] % n_annotators, confusion[keep], n[keep]
    )


def unit_pair_table(
    units: IntArray,
    annotators: IntArray,
    codes: IntArray,
    sizes: tuple[int, int],
    quiet: tuple[IntArray, IntArray, np.ndarray] | None = None,
) -> PairTable:
    """Per-pair confusion over units (long form), plus ``quiet`` (first, second, count) "O/O" units.

    ``sizes`` = (annotators, values).
    """
    n_annotators, n_values = sizes
    first, second, c1, c2 = within_item_pairs(units, annotators, codes)
    keys = [first * n_annotators + second]
    cells = [c1 * n_values + c2]
    weights = [np.ones(len(first))]
    if quiet is not None:
        low, high = np.minimum(quiet[0], quiet[1]), np.maximum(quiet[0], quiet[1])
        keys.append(low * n_annotators + high)
        cells.append(np.zeros(len(low), dtype=np.int64))
        weights.append(np.asarray(quiet[2], dtype=np.float64))
    return _table(np.concatenate(keys), np.concatenate(cells), np.concatenate(weights), *sizes)


def pair_sections(
    table: PairTable, names: Sequence[str]
) -> tuple[list[dict[str, Any]], dict[int, dict[str, float | None]]]:
    """``cohen_kappa_pairs`` entries and, per annotator index, agreement with others and mean kappa."""
    pairs = cohen_pairs(table, names, weighted=False)
    size = len(names)
    ends = np.concatenate([table.first, table.second])
    agreeing = np.tile(pair_agreements(table) * table.n, 2)
    shared = np.bincount(ends, weights=np.tile(table.n, 2), minlength=size)
    agree = np.bincount(ends, weights=agreeing, minlength=size)
    kappas = np.tile(cohen_kappas(table.confusion), 2)
    ok = np.isfinite(kappas)
    kappa_sum = np.bincount(ends[ok], weights=kappas[ok], minlength=size)
    kappa_n = np.bincount(ends[ok], minlength=size)
    per_annotator = {
        a: {
            "agreement_with_others": rounded(agree[a] / shared[a]) if shared[a] else None,
            "mean_kappa": rounded(kappa_sum[a] / kappa_n[a]) if kappa_n[a] else None,
        }
        for a in range(size)
    }
    return pairs, per_annotator
