"""Boxes of several annotators grouped into objects; alpha over them; the aggregated boxes.

Clusters: boxes joined by a label-agnostic match (matching.py, IoU >= 0.5) are
connected components of one graph over all boxes. A cluster holds at most one
box per annotation: when a chain of matches brings two boxes of one annotation
together, the lowest-numbered box stays and the others become clusters of their own.

Alpha: each cluster of an item with two or more annotations is a unit; each of
the item's annotations gives it one nominal value, the label of its box in the
cluster or "absent" (code 0) when it drew none there. Nominal alpha over these
units (review.metrics.alpha) measures agreement on what is where and what it
is. Objects nobody drew are not units, so the figure rewards finding the same
objects, not agreeing on empty space; it is undefined (None) when every unit has
the same value throughout (e.g. one label and every box found by everyone).

Aggregate: a cluster is kept when at least half of the item's annotators drew a
box in it (2 of 3, 2 of 4); its corners are the mean of the members' corners
weighted by annotator competence (default 1), its label the weighted vote of
the members (ties to the label earliest in the schema), its confidence the share
of the item's annotators who drew it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from review.metrics.alpha import krippendorff_alpha
from review.metrics.boxes.inputs import BoxAnnotations
from review.metrics.boxes.matching import BoxPairs
from review.metrics.layout import first_per_group
from review.metrics.results import Metric
from review.metrics.tables import FloatArray, IntArray

ABSENT = 0  # unit value "drew no box here"; label c has value c + 1


def box_clusters(data: BoxAnnotations, matches: BoxPairs) -> IntArray:
    """Cluster id (0..C-1) of every box from label-agnostic ``matches`` (see module docstring)."""
    n = len(data.box_rows)
    graph = coo_matrix((np.ones(len(matches.first)), (matches.first, matches.second)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    order = np.lexsort((np.arange(n), data.box_rows, component))
    keys = component[order] * max(len(data.items), 1) + data.box_rows[order]
    extra = order[~first_per_group(keys)]
    cluster = component.astype(np.int64)
    cluster[extra] = int(component.max(initial=-1)) + 1 + np.arange(len(extra))
    return np.unique(cluster, return_inverse=True)[1].astype(np.int64)


def cluster_counts(data: BoxAnnotations, cluster: IntArray) -> tuple[IntArray, IntArray]:
    """Cluster-by-value count table ("absent" plus each label) and the item of each cluster."""
    n_clusters = int(cluster.max(initial=-1)) + 1
    width = len(data.labels) + 1
    item_of = np.zeros(n_clusters, dtype=np.int64)
    item_of[cluster] = data.items[data.box_rows]
    counts = np.bincount(cluster * width + data.codes + 1, minlength=n_clusters * width).reshape(
        n_clusters, width
    )
    annotations = np.bincount(data.items, minlength=data.n_items)
    counts[:, ABSENT] = annotations[item_of] - counts[:, 1:].sum(axis=1)
    return counts, item_of


def box_alpha(counts: IntArray) -> dict[str, Metric]:
    """Nominal alpha over cluster units: with labels, and "drew a box" vs "absent" only."""
    drawn = counts[:, 1:].sum(axis=1)
    return {
        "nominal": krippendorff_alpha(counts, "nominal"),
        "presence": krippendorff_alpha(np.stack([counts[:, ABSENT], drawn], axis=1), "nominal"),
    }


@dataclass(frozen=True)
class MergedBoxes:
    """Aggregated boxes: item, x, y, width, height, label code, confidence, label share."""

    items: IntArray
    x: FloatArray
    y: FloatArray
    width: FloatArray
    height: FloatArray
    codes: IntArray
    confidence: FloatArray
    label_share: FloatArray

    def values(self, labels: list[str] | tuple[str, ...], n_items: int) -> list[dict[str, Any]]:
        """Per item, the annotation value {"boxes": [...]} with a "confidence" on each box."""
        values: list[dict[str, Any]] = [{"boxes": []} for _ in range(n_items)]
        columns = (self.x, self.y, self.width, self.height, self.codes, self.confidence)
        for u, *row in zip(self.items.tolist(), *(c.tolist() for c in columns), strict=True):
            x, y, w, h, code, confidence = row
            box = {"x": x, "y": y, "width": w, "height": h, "label": labels[int(code)]}
            values[u]["boxes"].append(box | {"confidence": round(confidence, 6)})
        return values


def _weighted_labels(
    data: BoxAnnotations, cluster: IntArray, w: FloatArray, n_clusters: int
) -> tuple[IntArray, FloatArray]:
    """Per cluster: the label with most weight (ties: earliest in the schema) and its weight share."""
    width = max(len(data.labels), 1)
    votes = np.bincount(cluster * width + data.codes, weights=w, minlength=n_clusters * width)
    votes = votes.reshape(n_clusters, width)
    label = votes.argmax(axis=1)  # first maximum: the label earliest in the schema
    total = votes.sum(axis=1)
    return label, votes[np.arange(n_clusters), label] / np.where(total > 0, total, 1.0)


def merge_boxes(
    data: BoxAnnotations, cluster: IntArray, weights: npt.ArrayLike | None = None
) -> MergedBoxes:
    """Aggregate each kept cluster into one box (see the module docstring).

    ``weights`` holds one positive weight per annotator index (default 1).
    """
    n_clusters = int(cluster.max(initial=-1)) + 1
    per_annotator = np.ones(data.n_annotators) if weights is None else np.asarray(weights, float)
    w = per_annotator[data.annotators[data.box_rows]]
    counts, item_of = cluster_counts(data, cluster)
    drew, annotations = counts[:, 1:].sum(axis=1), counts.sum(axis=1)
    kept = np.nonzero(2 * drew >= annotations)[0]
    total = np.bincount(cluster, weights=w, minlength=n_clusters)
    safe = np.where(total > 0, total, 1.0)

    def mean(values: FloatArray) -> FloatArray:
        return (np.bincount(cluster, weights=w * values, minlength=n_clusters) / safe)[kept]

    x1, y1 = mean(data.x), mean(data.y)
    x2, y2 = mean(data.x + data.width), mean(data.y + data.height)
    label, share = _weighted_labels(data, cluster, w, n_clusters)
    confidence = drew / np.maximum(annotations, 1)
    return MergedBoxes(
        item_of[kept], x1, y1, x2 - x1, y2 - y1, label[kept], confidence[kept], share[kept]
    )
