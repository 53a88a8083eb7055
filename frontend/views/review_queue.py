"""The review queue page: counts per reason and cause, filters, flags by severity."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontend.views.review_common import review_page
from frontend.views.review_undo import undo_offer_take
from labeling.choices import Role
from labeling.permissions import role_of
from labeling.selectors_members import membership_list_non_leads
from labeling.values import schema_labels, value_text
from review.choices import Cause, FlagReason, FlagStatus
from review.selectors import queue
from review.selectors.guideline_gaps import guideline_gap_list
from review.services.model_evidence import model_note


def _row(flag: Any, flags: list[Any]) -> dict[str, Any]:
    """One queue row per item: its first flag sets the order, `flags` are all its reasons."""
    item = flag.item
    text = item.data.get("text", "") if isinstance(item.data, dict) else ""
    return {
        "flag": flag,
        "item": item,
        "snippet": text[:140] + ("…" if len(text) > 140 else ""),
        "aggregate": value_text(item.aggregate_value),
        "severity_pct": round(100 * max(0.0, min(1.0, flag.severity))),
        "flags": flags or [flag],
    }


def _choices(project: Any) -> dict[str, Any]:
    annotators = membership_list_non_leads(project=project)
    return {
        "reasons": FlagReason.choices,
        "statuses": FlagStatus.choices,
        "labels": schema_labels(project.schema),
        "annotators": [(m.user_id, m.user.username) for m in annotators],
    }


@review_page
def review_queue_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """Open flags of the project, most severe first; keyset pages via ?cursor=."""
    filters = queue.queue_filters_parse(request.GET)
    page = queue.review_queue(
        user=request.user, project_id=project_id, filters=filters, cursor=request.GET.get("cursor")
    )
    counts = queue.queue_counts(user=request.user, project_id=project_id)
    project = page.project
    query = filters.as_query()
    context = {
        "project": project,
        "rows": [_row(flag, page.reasons.get(flag.item_id, [])) for flag in page.flags],
        "reason_counts": [
            (value, label, counts["reasons"][value]) for value, label in FlagReason.choices
        ],
        "cause_counts": [(value, label, counts["causes"][value]) for value, label in Cause.choices],
        "filters": filters,
        "query": urlencode(query),
        "next_query": urlencode({**query, "cursor": page.next_cursor}) if page.next_cursor else "",
        "is_lead": role_of(request.user, project) == Role.LEAD,
        "gaps": [
            {"decision": d, "value": value_text(d.value)}
            for d in guideline_gap_list(user=request.user, project_id=project_id, limit=20)
        ],
        **_choices(project),
        "undo": undo_offer_take(request, project_id),
        "model_note": model_note(project),
    }
    return render(request, "review/queue.html", context)
