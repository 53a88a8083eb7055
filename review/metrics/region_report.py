"""The project agreement report of a spans or boxes project: the kind's own report plus the
fields the `agreement --json` contract (DESIGN.md) promises for every kind.

Spans (review.metrics.spans.report) already give percent agreement, Fleiss' kappa and
Gwet's AC1 over the token table; this adds token-level ``cohen_kappa_pairs`` and
per-annotator ``agreement_with_others`` / ``mean_kappa``. Boxes (review.metrics.boxes.report)
get all of those over box-cluster units, plus ``groups`` (alpha and F1 by guideline version
and by week). The chance-corrected headline, ``krippendorff_alpha.nominal``, is nominal
Krippendorff's alpha over tokens (spans) or over box clusters (boxes); ``alpha_unit`` names it.
Every figure added is additive: the kinds' own keys (span_f1, box_f1, mean_iou, pairs...) stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt

from review.metrics.boxes.clusters import box_alpha, box_clusters, cluster_counts
from review.metrics.boxes.inputs import BoxAnnotations
from review.metrics.boxes.report import BoxItemResults, build_box_report
from review.metrics.boxes.tallies import BoxMatching
from review.metrics.json_figures import metric_value
from review.metrics.kappa import PairTable
from review.metrics.layout import ItemLayout
from review.metrics.patterns import Patterns
from review.metrics.region_pairs import pair_sections, unit_pair_table, unit_values
from review.metrics.spans.inputs import SpanAnnotations
from review.metrics.spans.report import SpanItemResults, build_span_report
from review.metrics.spans.tokens import token_labels, tokenize

Groups = Mapping[str, npt.NDArray[np.generic]]


def token_pair_table(data: SpanAnnotations) -> PairTable:
    """Per annotator pair, the confusion of token codes ("O" plus each label) over shared tokens."""
    tokens = tokenize(data.texts)
    labelled = token_labels(data, tokens)
    layout = ItemLayout.of(data.items, data.n_items)
    touched = np.unique(labelled.tokens)  # tokens someone labelled: the only non-"O/O" units
    unit_items = tokens.items[touched]
    cells = (labelled.rows, np.searchsorted(touched, labelled.tokens), labelled.codes)
    units, rows, codes = unit_values(unit_items, layout, cells)
    quiet_per_item = np.bincount(tokens.items, minlength=data.n_items) - np.bincount(
        unit_items, minlength=data.n_items
    )
    one, two = layout.pairs()
    quiet = (data.annotators[one], data.annotators[two], quiet_per_item[data.items[one]])
    sizes = (data.n_annotators, len(data.labels) + 1)
    return unit_pair_table(units, data.annotators[rows], codes, sizes, quiet)


def _with_pairs(report: dict[str, Any], table: PairTable, names: list[str]) -> dict[str, Any]:
    """Add cohen_kappa_pairs and the per-annotator pair figures to ``report``."""
    pairs, by_annotator = pair_sections(table, names)
    index = {name: a for a, name in enumerate(names)}
    report["cohen_kappa_pairs"] = pairs
    for entry in report["per_annotator"]:
        entry |= by_annotator[index[entry["annotator"]]]
    return report


def _split_groups(groups: Groups) -> tuple[dict[str, Any], dict[str, Any]]:
    """Groupings with several keys, and those with one key (name -> that key)."""
    several, single = {}, {}
    for name, keys in groups.items():
        distinct = np.unique(np.asarray(keys))
        if len(distinct) == 1:
            single[name] = distinct[0].item() if hasattr(distinct[0], "item") else distinct[0]
        else:
            several[name] = keys
    return several, single


def _whole_as_group(
    report: dict[str, Any], key: Any, f1_key: str, f1: float | None
) -> dict[str, Any]:
    """The row of a grouping's only key: the whole report's figures (no recomputation)."""
    alpha = report["krippendorff_alpha"]["nominal"]
    return {
        "key": key,
        "annotations": report["annotations"],
        "items": report["items"],
        "alpha": alpha,
        f1_key: f1,
        "reason": report["undefined"].get("krippendorff_alpha.nominal") if alpha is None else None,
    }


def span_project_report(data: SpanAnnotations) -> tuple[dict[str, Any], SpanItemResults]:
    """The spans project report (see the module docstring) and its per-item results.

    A grouping with one key (every label under one guideline version, or in one week) is the
    whole report again, so it is copied rather than computed a second time.
    """
    several, single = _split_groups(data.groups)
    report, items = build_span_report(replace(data, groups=several))
    for name, key in single.items():
        row = _whole_as_group(report, key, "f1_overlap", report["span_f1"]["overlap"])
        report["groups"][name] = [row]
    return _with_pairs(report, token_pair_table(data), list(data.annotator_names)), items


def box_subset(data: BoxAnnotations, keep: npt.NDArray[np.bool_]) -> BoxAnnotations:
    """The annotations whose row is in ``keep``, with their boxes (row indices renumbered)."""
    new_index = np.cumsum(keep) - 1
    boxes = keep[data.box_rows]
    return replace(
        data,
        items=data.items[keep],
        annotators=data.annotators[keep],
        box_rows=new_index[data.box_rows[boxes]],
        x=data.x[boxes],
        y=data.y[boxes],
        width=data.width[boxes],
        height=data.height[boxes],
        codes=data.codes[boxes],
    )


def _cluster_units(data: BoxAnnotations) -> tuple[BoxMatching, np.ndarray, np.ndarray, np.ndarray]:
    """Matching, cluster per box, cluster-by-value counts and the item of each cluster."""
    matching = BoxMatching.of(data)
    cluster = box_clusters(data, matching.agnostic)
    counts, cluster_items = cluster_counts(data, cluster)
    return matching, cluster, counts, cluster_items


def box_groups(data: BoxAnnotations, groups: Groups) -> dict[str, list[dict[str, Any]]]:
    """Cluster alpha and F1 at IoU 0.5 per group key, each group keeping only its annotations."""
    result: dict[str, list[dict[str, Any]]] = {}
    for name, keys in groups.items():
        distinct, inverse = np.unique(np.asarray(keys), return_inverse=True)
        rows = []
        for g, key in enumerate(distinct):
            part = box_subset(data, inverse == g)
            matching, _, counts, cluster_items = _cluster_units(part)
            shared = matching.layout.size >= 2
            alpha = box_alpha(counts[shared[cluster_items]])["nominal"]
            rows.append(
                {
                    "key": key.item() if hasattr(key, "item") else key,
                    "annotations": len(part.items),
                    "items": int(shared.sum()),
                    "alpha": alpha.value,
                    "f1": matching.overall().fields(0)["f1"],
                    "reason": alpha.reason,
                }
            )
        result[name] = rows
    return result


def box_project_report(
    data: BoxAnnotations, groups: Groups | None = None
) -> tuple[dict[str, Any], BoxItemResults]:
    """The boxes project report (see the module docstring) and its per-item results."""
    report, items = build_box_report(data)
    matching, cluster, counts, cluster_items = _cluster_units(data)
    shared = matching.layout.size >= 2
    patterns = Patterns.of(counts[shared[cluster_items]])
    undefined = report["undefined"]
    figures = {
        "percent_agreement": patterns.percent_agreement(),
        "fleiss_kappa": patterns.fleiss_kappa(),
        "gwet_ac1": patterns.gwet_ac1(len(data.labels) + 1),
    }
    for key, metric in figures.items():
        value = metric_value(undefined, key, metric)
        report[key] = None if value is None else value + 0.0  # no "-0.0" in the JSON
    cells = (data.box_rows, cluster, data.codes + 1)
    units, rows, codes = unit_values(cluster_items, matching.layout, cells)
    sizes = (data.n_annotators, len(data.labels) + 1)
    table = unit_pair_table(units, data.annotators[rows], codes, sizes)
    _with_pairs(report, table, list(data.annotator_names))
    several, single = _split_groups(groups or {})
    report["groups"] = box_groups(data, several)
    for name, key in single.items():
        row = _whole_as_group(report, key, "f1", report["box_f1"]["labelled"])
        report["groups"][name] = [row]
    return report, items
