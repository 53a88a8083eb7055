"""The whole `agreement --json` object, built from long-form annotations in one pass.

The contract is DESIGN.md's: items, annotations, annotators, percent_agreement,
krippendorff_alpha{nominal[, ordinal, interval, ratio]}, fleiss_kappa,
gwet_ac1, cohen_kappa_pairs, per_label, per_annotator - plus alpha_ci, the
pair matrix, the item-agreement histogram, aggregation and groups. Undefined
figures are null and their reasons are listed under "undefined".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from review.metrics import sections
from review.metrics.agreement import item_agreement
from review.metrics.alpha import LEVELS, Level, krippendorff_alpha
from review.metrics.bootstrap import DEFAULT_REPLICATES, DEFAULT_SEED, alpha_bootstrap_ci
from review.metrics.inputs import Annotations, SchemaSpec
from review.metrics.kappa import fleiss_kappa, gwet_ac1, pair_table, percent_agreement
from review.metrics.results import UNSUPPORTED, Metric
from review.metrics.sets import set_alpha, set_codes
from review.metrics.tables import FloatArray, IntArray, count_table

Method = Literal["majority", "dawid_skene"]
CONFIDENCE = 0.95


class _Sink:
    """Collects figures and the reasons of the undefined ones."""

    def __init__(self) -> None:
        self.undefined: dict[str, str] = {}

    def value(self, path: str, metric: Metric) -> float | None:
        """Return the rounded value, noting the reason under ``path`` when undefined."""
        if metric.value is None:
            self.undefined[path] = metric.reason or "undefined"
            return None
        return round(metric.value, 6)


def coded_values(data: Annotations, schema: SchemaSpec) -> tuple[IntArray, list[str]]:
    """Value codes per row and the display name of each code (label sets for multi)."""
    if schema.kind != "multi":
        return np.asarray(data.codes, dtype=np.int64), schema.value_names
    indicators = (
        data.indicators if data.indicators is not None else np.zeros((len(data.items), 0), bool)
    )
    codes, domain = set_codes(indicators)
    names = [
        "+".join(label for label, on in zip(schema.labels, row, strict=True) if on) or "(none)"
        for row in domain
    ]
    return codes, names


def _scale(schema: SchemaSpec) -> FloatArray | None:
    """Numeric value per code for ratings; None (codes 0..K-1) otherwise, e.g. for label sets."""
    return schema.scale_values if schema.kind == "rating" else None


def headline_level(schema: SchemaSpec) -> Level:
    """The level the headline alpha and its interval use."""
    return schema.level if schema.kind == "rating" else "nominal"


def _alphas(
    data: Annotations, schema: SchemaSpec, counts: IntArray, sink: _Sink
) -> dict[str, float | None]:
    """Alpha by level: nominal always; all four for ratings; set distances for multi."""
    levels: tuple[Level, ...] = LEVELS if schema.kind == "rating" else ("nominal",)
    alphas: dict[str, float | None] = {
        level: sink.value(
            f"krippendorff_alpha.{level}", krippendorff_alpha(counts, level, _scale(schema))
        )
        for level in levels
    }
    if schema.kind == "multi" and data.indicators is not None:
        for distance in ("jaccard", "masi"):
            metric = set_alpha(data.items, data.indicators, data.n_items, distance)
            alphas[distance] = sink.value(f"krippendorff_alpha.{distance}", metric)
    return alphas


def _coefficients(
    data: Annotations, schema: SchemaSpec, counts: IntArray, sink: _Sink, replicates: int, seed: int
) -> dict[str, Any]:
    """Project-level coefficients and the bootstrap interval of the headline alpha."""
    level = headline_level(schema)
    low, high = alpha_bootstrap_ci(
        counts, level, _scale(schema), replicates=replicates, seed=seed, confidence=CONFIDENCE
    )
    n_categories = counts.shape[1] if schema.kind == "multi" else schema.n_values
    return {
        "percent_agreement": sink.value("percent_agreement", percent_agreement(counts)),
        "krippendorff_alpha": _alphas(data, schema, counts, sink),
        "alpha_ci": {
            "level": level,
            "low": sink.value("alpha_ci.low", low),
            "high": sink.value("alpha_ci.high", high),
            "confidence": CONFIDENCE,
            "replicates": replicates,
            "seed": seed,
        },
        "fleiss_kappa": sink.value("fleiss_kappa", fleiss_kappa(counts)),
        "gwet_ac1": sink.value("gwet_ac1", gwet_ac1(counts, n_categories)),
    }


def _unsupported(data: Annotations, schema: SchemaSpec) -> dict[str, Any]:
    """Counts only, for kinds (spans, boxes) whose agreement needs matching first."""
    keys = ("percent_agreement", "krippendorff_alpha", "fleiss_kappa", "gwet_ac1")
    return {
        "kind": schema.kind,
        "annotations": len(data.items),
        "items": int((np.bincount(data.items, minlength=data.n_items) >= 2).sum()),
        "annotators": len(np.unique(data.annotators)),
        **dict.fromkeys(keys),
        "cohen_kappa_pairs": [],
        "per_label": [],
        "per_annotator": [],
        "undefined": dict.fromkeys(keys, UNSUPPORTED),
    }


@dataclass(frozen=True)
class ItemResults:
    """Per item index: aggregated code (-1 none), its confidence, agreement with it (NaN if <2 labels).

    ``value_names`` names each code (labels, rating points, or "+"-joined label sets for multi).
    """

    labels: IntArray
    confidence: FloatArray
    agreement: FloatArray
    value_names: list[str]


def build(
    data: Annotations,
    schema: SchemaSpec,
    *,
    aggregation: Method = "majority",
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
) -> tuple[dict[str, Any], ItemResults | None]:
    """Build the `agreement --json` object and the per-item aggregates behind it.

    ``aggregation`` picks the aggregate used for per-item agreement and
    per-annotator agreement with the aggregate. The bootstrap is seeded, so the
    same annotations always give the same report. Item results are None for
    kinds without agreement (spans, boxes).
    """
    if schema.kind in ("spans", "boxes"):
        return _unsupported(data, schema), None
    sink = _Sink()
    codes, names = coded_values(data, schema)
    counts = count_table(data.items, codes, data.n_items, len(names))
    totals = counts.sum(axis=1)
    report: dict[str, Any] = {
        "kind": schema.kind,
        "items": int((totals >= 2).sum()),
        "annotations": int(totals.sum()),
        "annotators": len(np.unique(data.annotators)),
    }
    report |= _coefficients(data, schema, counts, sink, replicates, seed)
    aggregates = sections.aggregates(data, codes, counts, aggregation)
    report |= _slices(data, schema, codes, names, counts, aggregates, sink)
    report["undefined"] = sink.undefined
    agreement = np.where(totals >= 2, item_agreement(counts, aggregates.labels), np.nan)
    return report, ItemResults(aggregates.labels, aggregates.confidence, agreement, names)


def _slices(
    data: Annotations,
    schema: SchemaSpec,
    codes: IntArray,
    names: list[str],
    counts: IntArray,
    aggregates: sections.Aggregates,
    sink: _Sink,
) -> dict[str, Any]:
    """Pairs, labels, annotators, items, aggregation and groups sections of the report."""
    table = pair_table(data.items, data.annotators, codes, len(names))
    return {
        "cohen_kappa_pairs": sections.cohen_pairs(
            table, data.annotator_names, schema.kind == "rating"
        ),
        "per_label": sections.per_label(data, schema, counts, sink),
        "per_annotator": sections.per_annotator(data, codes, counts, aggregates, table),
        "pair_matrix": sections.matrix(table, data),
        **sections.item_figures(counts, aggregates.labels),
        "aggregation": sections.aggregation_summary(aggregates, names, data),
        "groups": sections.groups(data, codes, len(names), headline_level(schema), schema),
    }


def build_report(
    data: Annotations,
    schema: SchemaSpec,
    *,
    aggregation: Method = "majority",
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """The `agreement --json` object alone (see ``build``)."""
    report, _ = build(data, schema, aggregation=aggregation, replicates=replicates, seed=seed)
    return report
