"""Which annotations share an item, as flat arrays (used by span and box matching).

Matching spans or boxes compares every annotation of an item with every other
one. Instead of a Python loop per item, rows are expanded with ``np.repeat``:
each annotation is repeated once per annotation of its item, which yields all
within-item pairs in a few vector operations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from review.metrics.tables import IntArray


def expand(counts: npt.ArrayLike) -> tuple[IntArray, IntArray]:
    """Repeat row i ``counts[i]`` times; return (row, 0-based offset within its repeats)."""
    sizes = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    starts = np.cumsum(sizes) - sizes
    return owner, np.arange(len(owner), dtype=np.int64) - starts[owner]


def first_per_group(keys: IntArray) -> npt.NDArray[np.bool_]:
    """For keys sorted ascending, True at the first row of each run of equal keys."""
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return first


@dataclass(frozen=True)
class ItemLayout:
    """Annotation rows grouped by item.

    ``members[start[u]:start[u] + size[u]]`` are the annotation rows of item u;
    ``position[r]`` is row r's place in that list.
    """

    items: IntArray
    members: IntArray
    start: IntArray
    size: IntArray
    position: IntArray

    @classmethod
    def of(cls, items: npt.ArrayLike, n_items: int) -> ItemLayout:
        """Build the layout of ``items`` (the item index of each annotation row)."""
        it = np.asarray(items, dtype=np.int64)
        members = np.argsort(it, kind="stable")
        size = np.bincount(it, minlength=n_items).astype(np.int64)
        start = np.cumsum(size) - size
        position = np.empty(len(it), dtype=np.int64)
        position[members] = np.arange(len(it)) - start[it[members]]
        return cls(it, members, start, size, position)

    def others(self, rows: IntArray) -> tuple[IntArray, IntArray]:
        """For each entry of ``rows`` (annotation rows, repeats allowed), every other row of its item.

        Returns (index into ``rows``, other annotation row).
        """
        owner, offset = expand(self.size[self.items[rows]])
        other = self.members[self.start[self.items[rows[owner]]] + offset]
        keep = other != rows[owner]
        return owner[keep], other[keep]

    def pairs(self) -> tuple[IntArray, IntArray]:
        """Every unordered pair of annotation rows on one item, as (first, second) rows."""
        rows = np.arange(len(self.items), dtype=np.int64)
        owner, other = self.others(rows)
        keep = self.position[other] > self.position[owner]
        return owner[keep], other[keep]
