"""Sums behind the box report: comparisons, matches and IoU per item, annotator, label, pair.

F1 is pooled over both directions of each annotator pair: 2 * matches / (n_a + n_b),
n counting each box once per other annotation of its item.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from review.metrics.boxes.inputs import BoxAnnotations
from review.metrics.boxes.matching import IOU_THRESHOLD, BoxPairs, candidate_pairs, match_boxes
from review.metrics.json_figures import rounded
from review.metrics.layout import ItemLayout
from review.metrics.tables import FloatArray, IntArray


@dataclass(frozen=True)
class BoxTally:
    """Per key: box comparisons ``n``, labelled matches, label-agnostic matches and their IoU sum."""

    n: FloatArray
    matched: FloatArray
    matched_any: FloatArray
    iou_sum: FloatArray

    def fields(self, index: int) -> dict[str, float | None]:
        """f1, f1_any_label and mean_iou of one key (None when undefined)."""
        n, hit, any_, iou = (
            float(a[index]) for a in (self.n, self.matched, self.matched_any, self.iou_sum)
        )
        return {
            "f1": rounded(2 * hit / n) if n else None,
            "f1_any_label": rounded(2 * any_ / n) if n else None,
            "mean_iou": rounded(iou / any_) if any_ else None,
        }


def _bincount(keys: IntArray, size: int, weights: npt.ArrayLike | None = None) -> FloatArray:
    return np.bincount(keys, weights=weights, minlength=size).astype(np.float64)


def box_tally(
    n_keys: tuple[IntArray, FloatArray],
    labelled: tuple[IntArray, ...],
    agnostic: tuple[IntArray, BoxPairs],
    size: int,
) -> BoxTally:
    """Sum comparisons (keys, weights), labelled matches (keys...), agnostic matches (keys, pairs)."""
    matched = sum((_bincount(k, size) for k in labelled), np.zeros(size))
    return BoxTally(
        _bincount(n_keys[0], size, n_keys[1]),
        matched,
        _bincount(agnostic[0], size),
        _bincount(agnostic[0], size, agnostic[1].iou),
    )


@dataclass(frozen=True)
class BoxMatching:
    """Everything the report slices: layout, per-row box counts, both match sets."""

    data: BoxAnnotations
    layout: ItemLayout
    per_row: IntArray
    labelled: BoxPairs
    agnostic: BoxPairs

    @classmethod
    def of(cls, data: BoxAnnotations, threshold: float = IOU_THRESHOLD) -> BoxMatching:
        """Match every annotation pair of every item, with and without labels."""
        layout = ItemLayout.of(data.items, data.n_items)
        pairs = candidate_pairs(data, layout)
        return cls(
            data,
            layout,
            np.bincount(data.box_rows, minlength=len(data.items)),
            match_boxes(data, pairs, threshold=threshold, same_label=True),
            match_boxes(data, pairs, threshold=threshold, same_label=False),
        )

    def compared(self) -> FloatArray:
        """Per annotation row: its boxes times the other annotations of its item."""
        others = (self.layout.size[self.data.items] - 1).astype(np.float64)
        return self.per_row * others

    def overall(self) -> BoxTally:
        """One tally over every pair of every item."""

        def zeros(n: int) -> IntArray:
            return np.zeros(n, dtype=np.int64)

        return box_tally(
            (zeros(len(self.data.items)), self.compared()),
            (zeros(len(self.labelled.first)),),
            (zeros(len(self.agnostic.first)), self.agnostic),
            1,
        )

    def by_item(self) -> BoxTally:
        """Tally per item."""
        items, size = self.data.items, self.data.n_items
        return box_tally(
            (items, self.compared()),
            (items[self.labelled.rows_a],),
            (items[self.agnostic.rows_a], self.agnostic),
            size,
        )

    def by_annotator(self) -> tuple[BoxTally, FloatArray]:
        """Tally per annotator (own and others' boxes), and their own compared boxes (for precision)."""
        d, size = self.data, self.data.n_annotators
        own = self.compared()
        item_boxes = np.bincount(d.items, weights=self.per_row, minlength=d.n_items)
        others = item_boxes[d.items] - self.per_row  # the other annotations' boxes on the item
        ag = d.annotators
        tally = box_tally(
            (ag, own + others),
            (ag[self.labelled.rows_a], ag[self.labelled.rows_b]),
            (
                np.concatenate([ag[self.agnostic.rows_a], ag[self.agnostic.rows_b]]),
                self.agnostic.take(np.tile(np.arange(len(self.agnostic.first)), 2)),
            ),
            size,
        )
        return tally, _bincount(ag, size, own)

    def by_label(self) -> BoxTally:
        """Tally per label (label-agnostic matches counted under the first box's label)."""
        d, size = self.data, len(self.data.labels)
        weights = (self.layout.size[d.items[d.box_rows]] - 1).astype(np.float64)
        return box_tally(
            (d.codes, weights),
            (d.codes[self.labelled.first],),
            (d.codes[self.agnostic.first], self.agnostic),
            size,
        )

    def by_pair(self) -> tuple[IntArray, IntArray, BoxTally]:
        """Unordered annotator pair keys (a * n_annotators + b, a < b), shared items, tally."""
        d, size = self.data, self.data.n_annotators
        one, two = self.layout.pairs()

        def key(a: IntArray, b: IntArray) -> IntArray:
            first, second = d.annotators[a], d.annotators[b]
            return np.minimum(first, second) * size + np.maximum(first, second)

        distinct, shared = np.unique(key(one, two), return_counts=True)

        def where(a: IntArray, b: IntArray) -> IntArray:
            return np.searchsorted(distinct, key(a, b))

        n = (self.per_row[one] + self.per_row[two]).astype(np.float64)
        tally = box_tally(
            (where(one, two), n),
            (where(self.labelled.rows_a, self.labelled.rows_b),),
            (where(self.agnostic.rows_a, self.agnostic.rows_b), self.agnostic),
            len(distinct),
        )
        return distinct, shared, tally
