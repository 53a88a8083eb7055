"""Match boxes between annotators of the same item by IoU, with Hungarian assignment.

For every pair of annotations of an item, a box of one may match at most one
box of the other. Candidate pairs are the box pairs with IoU >= ``threshold``
(0.5 by default, as in PASCAL VOC) and, for the labelled variant, the same label;
the assignment maximises the summed IoU over candidates
(``scipy.optimize.linear_sum_assignment``). At IoU >= 0.5 a box rarely has two
candidates, so pairs whose candidates form a one-to-one set are taken as they
are (vectorised) and only the rest go through the assignment solver.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from review.metrics.boxes.inputs import BoxAnnotations
from review.metrics.layout import ItemLayout, expand
from review.metrics.tables import FloatArray, IntArray

IOU_THRESHOLD = 0.5


def box_iou(data: BoxAnnotations, first: IntArray, second: IntArray) -> FloatArray:
    """Intersection over union of boxes ``first[i]`` and ``second[i]`` (0 when disjoint)."""
    left = np.maximum(data.x[first], data.x[second])
    top = np.maximum(data.y[first], data.y[second])
    right = np.minimum(data.x[first] + data.width[first], data.x[second] + data.width[second])
    bottom = np.minimum(data.y[first] + data.height[first], data.y[second] + data.height[second])
    inter = np.clip(right - left, 0, None) * np.clip(bottom - top, 0, None)
    area = data.width * data.height
    union = area[first] + area[second] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)


@dataclass(frozen=True)
class BoxPairs:
    """Box pairs across two annotations of one item: ``first`` from row ``rows_a``, ``second`` from ``rows_b``."""

    first: IntArray
    second: IntArray
    rows_a: IntArray
    rows_b: IntArray
    iou: FloatArray

    def take(self, index: npt.NDArray[np.generic]) -> BoxPairs:
        """The pairs selected by ``index`` (a mask or positions)."""
        return BoxPairs(
            self.first[index],
            self.second[index],
            self.rows_a[index],
            self.rows_b[index],
            self.iou[index],
        )


def candidate_pairs(data: BoxAnnotations, layout: ItemLayout) -> BoxPairs:
    """Every box pair across every unordered pair of annotations of the same item."""
    n_rows = len(data.items)
    order = np.argsort(data.box_rows, kind="stable")
    per_row = np.bincount(data.box_rows, minlength=n_rows)
    row_start = np.cumsum(per_row) - per_row
    owner, other = layout.others(data.box_rows)
    keep = layout.position[other] > layout.position[data.box_rows[owner]]
    owner, other = owner[keep], other[keep]
    k, offset = expand(per_row[other])
    first, rows_b = owner[k], other[k]
    second = order[row_start[rows_b] + offset]
    return BoxPairs(first, second, data.box_rows[first], rows_b, box_iou(data, first, second))


def _duplicated(keys: IntArray) -> npt.NDArray[np.bool_]:
    """True where a key occurs more than once."""
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    return counts[inverse] > 1


def match_boxes(
    data: BoxAnnotations,
    pairs: BoxPairs,
    *,
    threshold: float = IOU_THRESHOLD,
    same_label: bool = True,
) -> BoxPairs:
    """The one-to-one matches among ``pairs`` (see the module docstring)."""
    ok = (pairs.iou >= threshold) & (pairs.iou > 0)
    if same_label:
        ok &= data.codes[pairs.first] == data.codes[pairs.second]
    cand = pairs.take(ok)
    n_rows = max(len(data.items), 1)
    group = cand.rows_a * n_rows + cand.rows_b
    clash = _duplicated(cand.first * n_rows + cand.rows_b) | _duplicated(
        cand.second * n_rows + cand.rows_a
    )
    conflicted = np.isin(group, np.unique(group[clash]))
    chosen = np.nonzero(~conflicted)[0]
    solved = [_assign(cand, np.nonzero(group == g)[0]) for g in np.unique(group[conflicted])]
    picked = np.sort(np.concatenate([chosen, *solved])) if solved else chosen
    return cand.take(picked)


def _assign(cand: BoxPairs, rows: IntArray) -> IntArray:
    """Hungarian assignment maximising summed IoU among the candidate ``rows`` of one annotation pair."""
    firsts, i = np.unique(cand.first[rows], return_inverse=True)
    seconds, j = np.unique(cand.second[rows], return_inverse=True)
    gain = np.zeros((len(firsts), len(seconds)))
    gain[i, j] = cand.iou[rows]
    r, c = linear_sum_assignment(gain, maximize=True)
    cell = {(a, b): row for a, b, row in zip(i.tolist(), j.tolist(), rows.tolist(), strict=True)}
    return np.array(
        [cell[(a, b)] for a, b in zip(r.tolist(), c.tolist(), strict=True) if (a, b) in cell],
        dtype=np.int64,
    )
