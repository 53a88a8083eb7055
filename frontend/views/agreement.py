"""The agreement page for reviewers and leads: the latest snapshot, drawn as SVG charts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString

from frontend import charts
from frontend.views.agreement_regions import is_region, region_context
from labeling import selectors as labeling_selectors
from labeling.exceptions import NotFound, PermissionDenied
from labeling.permissions import role_of
from labeling.selectors_projects import project_get
from review import services
from review.selectors.agreement import agreement_snapshot_latest, agreement_snapshot_trend


def alpha_reading(alpha: float | None) -> str:
    """One line reading of alpha, after Krippendorff's (2004) 0.667 / 0.800 guidance."""
    if alpha is None:
        return "Alpha is undefined: too few shared items, or every label was the same."
    if alpha >= 0.8:
        return "Reliable: annotators agree well beyond chance (alpha >= 0.800)."
    if alpha >= 0.667:
        return "Tentative: usable for tentative conclusions only (0.667 <= alpha < 0.800)."
    if alpha > 0:
        return "Unreliable: agreement is too low to trust the labels (alpha < 0.667)."
    return "No better than chance: annotators agree about as often as random labelling would."


def _pair_chart(report: dict[str, Any]) -> SafeString | None:
    matrix = report.get("pair_matrix") or {}
    if not matrix.get("annotators"):
        return None
    title = "Cohen's kappa per pair"
    return charts.heatmap(matrix["annotators"], matrix.get("kappa", []), title=title, low=-0.2)


def _histogram_chart(report: dict[str, Any]) -> SafeString | None:
    histogram = report.get("item_agreement_histogram") or {}
    if not histogram.get("counts"):
        return None
    title = "Items by share agreeing with the aggregate"
    return charts.histogram(histogram["edges"], histogram["counts"], title=title)


def _trend_chart(trend: list[dict[str, Any]]) -> SafeString | None:
    points = [
        charts.Point(p["at"].strftime("%Y-%m-%d %H:%M"), p["alpha"], p["low"], p["high"])
        for p in trend
    ]
    return charts.line_chart(points, title="Alpha over snapshots") if len(points) >= 2 else None


def _confusion_charts(report: dict[str, Any]) -> list[dict[str, Any]]:
    ds = (report.get("aggregation") or {}).get("dawid_skene") or {}
    labels = ds.get("labels", [])
    return [
        {
            "annotator": c["annotator"],
            "svg": charts.heatmap(
                labels,
                c["matrix"],
                title=f"Dawid-Skene confusion of {c['annotator']}",
                row_labels=labels,
                sequential=True,
            ),
        }
        for c in ds.get("confusions", [])
    ]


def _charts(report: dict[str, Any], trend: list[dict[str, Any]]) -> dict[str, Any]:
    """SVG charts for each section of the report (None where there is nothing to draw)."""
    if is_region(report):  # spans, boxes: the alpha trend here, the rest in region_context
        return {"trend": _trend_chart(trend)}
    per_label = [(row["label"], row.get("alpha")) for row in report.get("per_label", [])]
    return {
        "per_label": charts.bar_chart(per_label, title="Alpha per label (one vs rest)"),
        "pairs": _pair_chart(report),
        "histogram": _histogram_chart(report),
        "trend": _trend_chart(trend),
        "confusions": _confusion_charts(report),
    }


def _gold_rows(request: HttpRequest, project_id: int) -> list[dict[str, Any]] | None:
    """Gold accuracy per annotator for reviewers and leads (None for annotators)."""
    try:
        return labeling_selectors.gold_accuracy(user=request.user, project_id=project_id)  # type: ignore[arg-type]
    except PermissionDenied:
        return None


@login_required
def agreement_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """Headline alpha with its interval, per-label bars, pair heatmap, histogram, trend, confusions."""
    try:
        computing = None  # a large project's first report, on its way from a worker
        snapshot = agreement_snapshot_latest(user=request.user, project_id=project_id)
        if snapshot is None:
            first = services.snapshot_first(project_id=project_id)
            snapshot, computing = first.snapshot, first if first.scheduled else None
        trend = agreement_snapshot_trend(user=request.user, project_id=project_id)
    except NotFound as error:
        raise Http404(error.message) from error
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error
    report = snapshot.report if snapshot is not None else {}
    interval = report.get("alpha_ci") or {}
    alpha = (report.get("krippendorff_alpha") or {}).get(interval.get("level", "nominal"))
    context = {
        "project": project_get(project_id=project_id),
        "is_lead": role_of(request.user, project_id) == "lead",
        "snapshot": snapshot,
        "computing": computing,
        "report": report,
        "alpha": alpha,
        "interval": interval,
        "reading": alpha_reading(alpha),
        "charts": _charts(report, trend),
        "versions": (report.get("groups") or {}).get("guideline_version", []),
        "weeks": (report.get("groups") or {}).get("week", []),
        "gold": _gold_rows(request, project_id),
    }
    if is_region(report):  # spans, boxes: F1 and alpha over tokens or box clusters
        context |= region_context(report)
    return render(request, "agreement/page.html", context)
