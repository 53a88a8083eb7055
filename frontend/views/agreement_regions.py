"""What the agreement page shows for a spans or boxes project (see review.metrics.region_report).

The same sections as for single-label projects (headline, per label, pairs, items, groups,
annotators), drawn with the same chart helpers, each chart with its data as a table. Only
the figures differ: F1 from matching spans or boxes, and alpha over tokens or box clusters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString

from frontend import charts

PAIR_ROWS = 50  # the pair table lists the pairs sharing most items


@dataclass(frozen=True)
class RegionTerms:
    """The words and report keys of one kind."""

    unit: str  # what alpha's units are, in words
    f1_key: str  # the F1 shown per label, pair, group
    f1_name: str
    alpha_key: str  # per-label alpha key
    parts: str  # "spans" or "boxes"


TERMS = {
    "spans": RegionTerms("tokens", "f1_overlap", "span F1 (overlap)", "token_alpha", "spans"),
    "boxes": RegionTerms("box clusters", "f1", "box F1 at IoU 0.5", "alpha", "boxes"),
}


def _sentence(text: str) -> str:
    """``text`` with its first letter upper-cased (str.capitalize would lower "F1")."""
    return text[:1].upper() + text[1:]


def is_region(report: dict[str, Any]) -> bool:
    """Whether the report is a spans or boxes report."""
    return report.get("kind") in TERMS


def _label_charts(report: dict[str, Any], terms: RegionTerms) -> dict[str, SafeString]:
    rows = report.get("per_label") or []
    return {
        "label_alpha": charts.bar_chart(
            [(row["label"], row.get(terms.alpha_key)) for row in rows],
            title=f"Alpha per label over {terms.unit} (one vs rest)",
        ),
        "label_f1": charts.bar_chart(
            [(row["label"], row.get(terms.f1_key)) for row in rows],
            title=f"{_sentence(terms.f1_name)} per label",
            low=0.0,
        ),
    }


def _pair_chart(report: dict[str, Any], terms: RegionTerms) -> SafeString | None:
    matrix = report.get("pair_matrix") or {}
    if not matrix.get("annotators"):
        return None
    title = f"{_sentence(terms.f1_name)} per annotator pair"
    return charts.heatmap(matrix["annotators"], matrix.get(terms.f1_key, []), title=title)


def _item_chart(report: dict[str, Any], terms: RegionTerms) -> SafeString | None:
    histogram = report.get("item_agreement_histogram") or {}
    if not histogram.get("counts"):
        return None
    title = f"Items by {terms.f1_name}"
    return charts.histogram(histogram["edges"], histogram["counts"], title=title)


def pair_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The F1 pairs joined with their kappa over units, most shared items first (PAIR_ROWS)."""
    kappas = {(p["a"], p["b"]): p for p in report.get("cohen_kappa_pairs") or []}
    rows = sorted(report.get("pairs") or [], key=lambda p: (-p.get("n", 0), p["a"], p["b"]))
    result = []
    for row in rows[:PAIR_ROWS]:
        pair = kappas.get((row["a"], row["b"]), {})
        result.append(row | {"units": pair.get("n"), "kappa": pair.get("kappa")})
    return result


def region_context(report: dict[str, Any]) -> dict[str, Any]:
    """Template context of a spans or boxes report: terms, charts, table rows."""
    terms = TERMS[report["kind"]]
    region_charts: dict[str, Any] = {
        **_label_charts(report, terms),
        "pairs": _pair_chart(report, terms),
        "histogram": _item_chart(report, terms),
    }
    groups = report.get("groups") or {}
    return {
        "region": terms,
        "region_charts": region_charts,
        "region_pairs": pair_rows(report),
        "pair_count": len(report.get("pairs") or []),
        "versions": groups.get("guideline_version", []),
        "weeks": groups.get("week", []),
    }
