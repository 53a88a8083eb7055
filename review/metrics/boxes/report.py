"""The agreement report of a boxes project: matching F1 at IoU 0.5, mean IoU, alpha, aggregate.

F1 is pooled over both directions of each annotator pair: 2 * matches / (n_a + n_b),
n counting each box once per other annotation of its item. ``f1`` needs the same
label, ``f1_any_label`` does not; ``mean_iou`` averages the IoU of the
label-agnostic matches. Per annotator, precision is the share of their boxes
that others matched and recall the share of the others' boxes they matched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from review.metrics.agreement import agreement_histogram, one_vs_rest
from review.metrics.boxes.clusters import (
    MergedBoxes,
    box_alpha,
    box_clusters,
    cluster_counts,
    merge_boxes,
)
from review.metrics.boxes.inputs import BoxAnnotations, BoxMapping, box_annotations
from review.metrics.boxes.matching import IOU_THRESHOLD
from review.metrics.boxes.tallies import BoxMatching
from review.metrics.json_figures import aggregation_summary, figure_matrix, metric_value, rounded
from review.metrics.tables import FloatArray, IntArray


def _per_annotator(matching: BoxMatching) -> list[dict[str, Any]]:
    """Per annotator: annotations, boxes, precision / recall / F1 against everyone else, mean IoU."""
    d = matching.data
    tally, own = matching.by_annotator()
    n = np.bincount(d.annotators, minlength=d.n_annotators)
    boxes = np.bincount(d.annotators, weights=matching.per_row, minlength=d.n_annotators)
    result = []
    for a in np.nonzero(n > 0)[0].tolist():
        others = tally.n[a] - own[a]
        entry: dict[str, Any] = {"annotator": d.annotator_names[a], "n": int(n[a])}
        entry["boxes"] = int(boxes[a])
        entry["precision"] = rounded(tally.matched[a] / own[a]) if own[a] else None
        entry["recall"] = rounded(tally.matched[a] / others) if others else None
        result.append(entry | tally.fields(a))
    return result


def _per_label(matching: BoxMatching, counts: IntArray) -> list[dict[str, Any]]:
    """Per label: boxes drawn, share, F1 at the threshold, and one-vs-rest alpha over cluster units."""
    d = matching.data
    tally = matching.by_label()
    drawn = np.bincount(d.codes, minlength=len(d.labels))
    total = max(int(drawn.sum()), 1)
    units = one_vs_rest(counts)[1:]  # column 0 is "absent"
    result = []
    for c, label in enumerate(d.labels):
        entry: dict[str, Any] = {"label": label, "boxes": int(drawn[c])}
        entry["share"] = rounded(drawn[c] / total)
        entry |= tally.fields(c)
        alpha = units[c]["alpha"].value
        entry["alpha"] = None if alpha is None else rounded(alpha)
        result.append(entry)
    return result


def _pairs(matching: BoxMatching) -> list[dict[str, Any]]:
    """Every annotator pair sharing an item: a, b, shared items n, f1, f1_any_label, mean_iou."""
    names, size = matching.data.annotator_names, matching.data.n_annotators
    distinct, shared, tally = matching.by_pair()
    return [
        {"a": names[key // size], "b": names[key % size], "n": int(shared[p])} | tally.fields(p)
        for p, key in enumerate(distinct.tolist())
    ]


@dataclass(frozen=True)
class BoxItemResults:
    """Per item index: F1 (labelled, NaN without boxes), mean IoU of matches, the aggregate."""

    f1: FloatArray
    mean_iou: FloatArray
    aggregate: MergedBoxes


def _item_results(matching: BoxMatching, merged: MergedBoxes) -> BoxItemResults:
    """Per-item F1 and mean IoU."""
    tally = matching.by_item()
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(tally.n > 0, 2 * tally.matched / tally.n, np.nan)
        iou = np.where(tally.matched_any > 0, tally.iou_sum / tally.matched_any, np.nan)
    return BoxItemResults(f1, iou, merged)


def build_box_report(
    data: BoxAnnotations,
    *,
    threshold: float = IOU_THRESHOLD,
    weights: npt.ArrayLike | None = None,
) -> tuple[dict[str, Any], BoxItemResults]:
    """The agreement report of box annotations and the per-item results behind it.

    ``weights`` (one positive weight per annotator index) weigh the aggregated
    boxes' coordinates and labels. Undefined figures are None, reasons under "undefined".
    """
    undefined: dict[str, str] = {}
    matching = BoxMatching.of(data, threshold)
    cluster = box_clusters(data, matching.agnostic)
    counts, cluster_items = cluster_counts(data, cluster)
    merged = merge_boxes(data, cluster, weights)
    shared = matching.layout.size >= 2
    whole = matching.overall().fields(0)
    paths = {"f1": "box_f1.labelled", "f1_any_label": "box_f1.any_label", "mean_iou": "mean_iou"}
    for key, path in paths.items():
        if whole[key] is None:
            undefined[path] = (
                "no matched boxes" if key == "mean_iou" else "no boxes on shared items"
            )
    report: dict[str, Any] = {
        "kind": "boxes",
        "items": int(shared.sum()),
        "annotations": len(data.items),
        "annotators": len(np.unique(data.annotators)),
        "boxes": len(data.box_rows),
        "iou_threshold": threshold,
        "box_f1": {"labelled": whole["f1"], "any_label": whole["f1_any_label"]},
        "mean_iou": whole["mean_iou"],
        "alpha_unit": "box cluster",
        "krippendorff_alpha": {
            level: metric_value(undefined, f"krippendorff_alpha.{level}", metric)
            for level, metric in box_alpha(counts[shared[cluster_items]]).items()
        },
    }
    items = _item_results(matching, merged)
    pair_rows = _pairs(matching)
    report |= {
        "per_label": _per_label(matching, counts),
        "per_annotator": _per_annotator(matching),
        "pairs": pair_rows,
        "pair_matrix": figure_matrix(
            data.annotator_names, data.annotators, pair_rows, ("n", "f1", "mean_iou")
        ),
        **_item_section(items, shared),
        "aggregation": aggregation_summary("box_clusters", merged.codes, data.labels),
        "undefined": undefined,
    }
    return report, items


def _item_section(items: BoxItemResults, shared: npt.NDArray[np.bool_]) -> dict[str, Any]:
    """Histogram and mean of per-item F1 over items with two or more annotations."""
    f1 = items.f1[shared]
    return {
        "item_agreement": "f1",
        "item_agreement_histogram": agreement_histogram(f1),
        "item_agreement_mean": rounded(np.nanmean(f1)) if np.isfinite(f1).any() else None,
    }


def box_report(annotations: BoxMapping, labels: Sequence[str] | None = None) -> dict[str, Any]:
    """The box agreement report from an item -> [(annotator, boxes)] mapping."""
    data, _ = box_annotations(annotations, labels)
    return build_box_report(data)[0]
