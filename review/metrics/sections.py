"""Sections of the project report that slice the annotations (see report.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from review.metrics.aggregation import majority_vote
from review.metrics.agreement import (
    agreement_histogram,
    annotator_agreement,
    item_agreement,
    item_entropy,
    one_vs_rest,
    pair_agreements,
    pair_matrix,
)
from review.metrics.alpha import Level
from review.metrics.competence import CompetenceResult, annotator_competence
from review.metrics.dawid_skene import DawidSkeneResult, dawid_skene
from review.metrics.grouping import grouped_alpha
from review.metrics.inputs import Annotations, SchemaSpec
from review.metrics.kappa import PairTable, cohen_kappas
from review.metrics.results import NO_VARIATION
from review.metrics.sets import label_presence_counts, presence_table
from review.metrics.tables import FloatArray, IntArray

if TYPE_CHECKING:
    from review.metrics.report import _Sink

MATRIX_LIMIT = 30
CONFUSION_LIMIT = 12
DIGITS = 6


def _round(value: float) -> float | None:
    """Round a float for JSON; NaN becomes None."""
    return None if not np.isfinite(value) else round(float(value), DIGITS)


def cohen_pairs(table: PairTable, names: Sequence[str], weighted: bool) -> list[dict[str, Any]]:
    """One entry per annotator pair sharing items: a, b, n, kappa (+ weighted kappas for ratings)."""
    columns = {"kappa": cohen_kappas(table.confusion)}
    if weighted:
        columns["kappa_linear"] = cohen_kappas(table.confusion, "linear")
        columns["kappa_quadratic"] = cohen_kappas(table.confusion, "quadratic")
    agreement = pair_agreements(table)
    pairs = []
    for p in np.lexsort((table.second, table.first)):
        entry: dict[str, Any] = {
            "a": names[table.first[p]],
            "b": names[table.second[p]],
            "n": int(table.n[p]),
            "agreement": _round(agreement[p]),
        }
        entry |= {key: _round(values[p]) for key, values in columns.items()}
        if entry["kappa"] is None:
            entry["reason"] = NO_VARIATION
        pairs.append(entry)
    return pairs


@dataclass(frozen=True)
class Aggregates:
    """The chosen aggregate per item plus the model-based results shown on the page."""

    method: str
    labels: IntArray
    confidence: FloatArray
    dawid_skene: DawidSkeneResult
    competence: CompetenceResult


def aggregates(data: Annotations, codes: IntArray, counts: IntArray, method: str) -> Aggregates:
    """Majority vote and Dawid-Skene per item; ``method`` picks which one is the aggregate."""
    sizes = {
        "n_items": data.n_items,
        "n_annotators": data.n_annotators,
        "n_classes": counts.shape[1],
    }
    ds = dawid_skene(data.items, data.annotators, codes, **sizes)
    competence = annotator_competence(data.items, data.annotators, codes, **sizes)
    if method == "dawid_skene":
        return Aggregates(method, ds.labels, ds.confidence, ds, competence)
    # Ties go to the Dawid-Skene posterior (the better-supported label), not to the commoner one.
    vote = majority_vote(counts, tie_break=ds.posteriors)
    return Aggregates("majority", vote.labels, vote.confidence, ds, competence)


def per_label(
    data: Annotations, schema: SchemaSpec, counts: IntArray, sink: _Sink
) -> list[dict[str, Any]]:
    """One-vs-rest figures per label (per rating point; per label presence for multi)."""
    if schema.kind == "multi" and data.indicators is not None:
        present, totals = label_presence_counts(data.items, data.indicators, data.n_items)
        rows = [one_vs_rest(presence_table(present, totals, j))[1] for j in range(present.shape[1])]
    else:
        rows = one_vs_rest(counts)
    result = []
    for name, row in zip(schema.value_names, rows, strict=True):
        entry: dict[str, Any] = {"label": name}
        entry |= {key: sink.value(f"per_label.{name}.{key}", metric) for key, metric in row.items()}
        result.append(entry)
    return result


def per_annotator(
    data: Annotations, codes: IntArray, counts: IntArray, agg: Aggregates, table: PairTable
) -> list[dict[str, Any]]:
    """Per annotator with labels: n, agreement with others / aggregate / gold, mean kappa, competence."""
    figures = annotator_agreement(
        data.items, data.annotators, codes, counts, agg.labels, data.n_annotators, data.gold
    )
    sums, uses = kappa_sums(table, data.n_annotators)
    result = []
    for a in np.nonzero(figures["n"] > 0)[0].tolist():
        entry: dict[str, Any] = {"annotator": data.annotator_names[a], "n": int(figures["n"][a])}
        entry["agreement_with_others"] = _round(figures["with_others"][a])
        entry["agreement_with_aggregate"] = _round(figures["with_aggregate"][a])
        if "with_gold" in figures:
            entry["agreement_with_gold"] = _round(figures["with_gold"][a])
        entry["mean_kappa"] = _round(sums[a] / uses[a]) if uses[a] else None
        entry["competence"] = _round(agg.competence.competence[a])
        result.append(entry)
    return result


def kappa_sums(table: PairTable, n_annotators: int) -> tuple[FloatArray, IntArray]:
    """Per annotator: the sum of their pairs' defined Cohen kappas, and how many there are."""
    kappas = cohen_kappas(table.confusion)
    ok = np.isfinite(kappas)
    ends = np.concatenate([table.first[ok], table.second[ok]])
    sums: FloatArray = np.bincount(ends, weights=np.tile(kappas[ok], 2), minlength=n_annotators).astype(
        np.float64
    )
    uses: IntArray = np.bincount(ends, minlength=n_annotators).astype(np.int64)
    return sums, uses


def _busiest(data: Annotations, limit: int) -> list[int]:
    """Indices of the ``limit`` annotators with most labels, in name order."""
    volume = np.bincount(data.annotators, minlength=data.n_annotators)
    return busiest(volume, data.annotator_names, limit)


def busiest(volume: IntArray, names: Sequence[str], limit: int) -> list[int]:
    """Indices of the ``limit`` annotators with most labels (``volume``), in name order."""
    top = [int(a) for a in np.argsort(-volume, kind="stable")[:limit] if volume[a] > 0]
    return sorted(top, key=lambda a: names[a])


def matrix(table: PairTable, data: Annotations) -> dict[str, Any]:
    """Annotator-pair matrix over the busiest annotators (at most MATRIX_LIMIT)."""
    volume = np.bincount(data.annotators, minlength=data.n_annotators)
    return matrix_of(table, volume, data.annotator_names)


def matrix_of(table: PairTable, volume: IntArray, names: Sequence[str]) -> dict[str, Any]:
    """``matrix`` from each annotator's label count and name."""
    chosen = busiest(volume, names, MATRIX_LIMIT)
    return {"annotators": [names[a] for a in chosen], **pair_matrix(table, chosen)}


def item_figures(counts: IntArray, labels: IntArray) -> dict[str, Any]:
    """Per-item agreement with the aggregate (histogram, mean) and mean entropy, items with 2+ labels."""
    shared = counts.sum(axis=1) >= 2
    agreement = item_agreement(counts, labels)[shared]
    entropy = item_entropy(counts)[shared]
    return {
        "item_agreement_histogram": agreement_histogram(agreement),
        "item_agreement_mean": _round(agreement.mean()) if len(agreement) else None,
        "item_entropy_mean": _round(entropy.mean()) if len(entropy) else None,
    }


def aggregation_summary(agg: Aggregates, names: Sequence[str], data: Annotations) -> dict[str, Any]:
    """Chosen method, aggregate label counts, and Dawid-Skene marginals and confusions."""
    labelled = agg.labels >= 0
    counts = np.bincount(agg.labels[labelled], minlength=len(names))
    confusions = [
        {
            "annotator": data.annotator_names[a],
            "matrix": [[_round(v) for v in row] for row in agg.dawid_skene.confusions[a]],
        }
        for a in _busiest(data, CONFUSION_LIMIT)
    ]
    return {
        "method": agg.method,
        "label_counts": {name: int(c) for name, c in zip(names, counts, strict=True)},
        "dawid_skene": {
            "marginals": {
                name: _round(p) for name, p in zip(names, agg.dawid_skene.marginals, strict=True)
            },
            "iterations": agg.dawid_skene.iterations,
            "labels": list(names),
            "confusions": confusions,
        },
    }


def groups(
    data: Annotations, codes: IntArray, n_values: int, level: Level, schema: SchemaSpec
) -> dict[str, Any]:
    """Headline alpha per group for each grouping the caller supplied (version, week...)."""
    scale = schema.scale_values if schema.kind == "rating" else None
    return {
        name: grouped_alpha(
            keys,
            data.items,
            codes,
            n_items=data.n_items,
            n_values=n_values,
            level=level,
            scale=scale,
        )
        for name, keys in data.groups.items()
    }
