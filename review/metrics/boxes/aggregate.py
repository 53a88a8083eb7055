"""The stored aggregate of box annotations: matched clusters, coordinates weighted by competence.

Units (review.metrics.units) are the clusters of clusters.py (boxes joined by a
label-agnostic IoU >= 0.5 match, at most one box per annotation); each annotation of the
item gives a cluster "absent" (0) or its box's label + 1.

- Competence: MACE (Hovy et al. 2013) over the clusters, one weight per annotator.
- "majority": clusters.merge_boxes with those weights (kept when at least half of the
  item's annotators drew in it; corners the competence-weighted mean; label the weighted
  vote); a box's confidence is the share who drew it times its label's weight share.
- "dawid_skene": Dawid-Skene over the clusters; a cluster whose MAP code is a label is
  kept with that label, corners weighted as above, confidence its posterior.
- Agreement per item: the pairwise labelled F1 at IoU 0.5 (tallies.py); p_wrong from
  the clusters (units.item_p_wrong).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from review.metrics.boxes.clusters import box_clusters, cluster_counts, merge_boxes
from review.metrics.boxes.inputs import BoxAnnotations
from review.metrics.boxes.tallies import BoxMatching
from review.metrics.layout import ItemLayout
from review.metrics.tables import FloatArray, IntArray
from review.metrics.units import (
    NOTHING,
    RegionResults,
    UnitLabels,
    item_confidence,
    item_p_wrong,
    unit_competence,
    unit_decision,
    unit_method,
    unit_rows,
)


def cluster_units(data: BoxAnnotations, cluster: IntArray) -> UnitLabels:
    """The clusters as units: every annotation of a cluster's item gives it a code."""
    n_clusters = int(cluster.max(initial=-1)) + 1
    cluster_items = np.zeros(n_clusters, dtype=np.int64)
    cluster_items[cluster] = data.items[data.box_rows]
    unit, row = unit_rows(cluster_items, (data.items, data.annotators), data.n_items)
    layout = ItemLayout.of(data.items, data.n_items)
    per_unit = layout.size[cluster_items]
    unit_start = np.cumsum(per_unit) - per_unit
    codes = np.zeros(len(unit), dtype=np.int64)
    codes[unit_start[cluster] + layout.position[data.box_rows]] = data.codes + 1
    return UnitLabels(
        unit, data.annotators[row], codes, cluster_items, data.n_annotators, len(data.labels) + 1
    )


def _box_values(
    data: BoxAnnotations,
    items: IntArray,
    corners: list[FloatArray],
    codes: IntArray,
    conf: FloatArray,
) -> list[dict[str, Any]]:
    """Per item, {"boxes": [...]} from the kept boxes' columns (corners x1, y1, x2, y2)."""
    values: list[dict[str, Any]] = [{"boxes": []} for _ in range(data.n_items)]
    x1, y1, x2, y2 = (np.round(c, 2).tolist() for c in corners)
    for k, u in enumerate(items.tolist()):
        box = {"x": x1[k], "y": y1[k], "width": round(x2[k] - x1[k], 2)}
        box |= {"height": round(y2[k] - y1[k], 2), "label": data.labels[int(codes[k])]}
        values[u]["boxes"].append(box | {"confidence": round(float(conf[k]), 6)})
    return values


def _weighted_corners(
    data: BoxAnnotations, cluster: IntArray, weights: FloatArray, kept: IntArray
) -> list[FloatArray]:
    """Competence-weighted mean corners (x1, y1, x2, y2) of the kept clusters."""
    n = int(cluster.max(initial=-1)) + 1
    w = weights[data.annotators[data.box_rows]]
    total = np.bincount(cluster, weights=w, minlength=n)
    safe = np.where(total > 0, total, 1.0)
    columns = (data.x, data.y, data.x + data.width, data.y + data.height)
    return [(np.bincount(cluster, weights=w * c, minlength=n) / safe)[kept] for c in columns]


def _majority(data: BoxAnnotations, cluster: IntArray, weights: FloatArray) -> tuple[Any, ...]:
    """Kept clusters, their codes and confidences, and corners, by clusters.merge_boxes."""
    merged = merge_boxes(data, cluster, weights)
    counts, _ = cluster_counts(data, cluster)
    kept = np.nonzero(2 * counts[:, 1:].sum(axis=1) >= counts.sum(axis=1))[0]  # merge_boxes' rule
    corners = [merged.x, merged.y, merged.x + merged.width, merged.y + merged.height]
    return kept, merged.codes, merged.confidence * merged.label_share, corners


def box_aggregate(
    data: BoxAnnotations,
    *,
    method: str = "majority",
    weighted: bool = True,
    with_risk: bool = True,
) -> RegionResults:
    """Aggregate box annotations per item (see the module docstring).

    ``weighted``: weigh by MACE competence (the project run); False: every annotator 1.
    ``with_risk``: compute p_wrong too.
    """
    matching = BoxMatching.of(data)
    cluster = box_clusters(data, matching.agnostic)
    units = cluster_units(data, cluster)
    method = unit_method(method, units)
    weights = unit_competence(units) if weighted else np.ones(data.n_annotators)
    winner, share, _ = unit_decision(units, method, weights)
    if method == "dawid_skene":
        kept = np.nonzero(winner != NOTHING)[0]
        codes, conf = winner[kept] - 1, share[kept]
        corners = _weighted_corners(data, cluster, weights, kept)
    else:
        kept, codes, conf, corners = _majority(data, cluster, weights)
        # The unit's current code follows the kept boxes, not the plain unit vote.
        winner = np.zeros(units.n_units, dtype=np.int64)
        winner[kept] = codes + 1
        share = _kept_share(units, winner, weights)
    tally = matching.by_item()
    with np.errstate(divide="ignore", invalid="ignore"):
        agreement = np.where(tally.n > 0, 2 * tally.matched / tally.n, np.nan)
    return RegionResults(
        values=_box_values(data, units.unit_items[kept], corners, codes, conf),
        confidence=item_confidence(units.unit_items, share, data.n_items),
        agreement=agreement,
        p_wrong=item_p_wrong(units, winner, data.n_items)[0] if with_risk else None,
        method=method,
    )


def _kept_share(units: UnitLabels, winner: IntArray, weights: FloatArray) -> FloatArray:
    """Per unit, the weight share of the annotations that gave it the code it ended with."""
    w = weights[units.annotators]
    total = np.bincount(units.units, weights=w, minlength=units.n_units)
    agree = np.bincount(
        units.units, weights=w * (units.codes == winner[units.units]), minlength=units.n_units
    )
    return np.where(total > 0, agree / np.where(total > 0, total, 1.0), 0.0)
