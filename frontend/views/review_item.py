"""The item review page: every annotation side by side, the model, flags, thread and audit."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontend.views.review_common import review_page, seconds
from frontend.views.review_settle import settle_context
from frontend.views.review_undo import undo_offer_take
from labeling.selectors_members import membership_list_of_users
from labeling.values import CLASS_KINDS, schema_labels, value_labels, value_text
from review.choices import Cause, FlagStatus
from review.selectors import queue
from review.selectors.item_review import item_review_get


def _annotation_rows(annotations: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for annotation in annotations:
        review = getattr(annotation, "review", None)
        rows.append(
            {
                "annotation": annotation,
                "value": value_text(annotation.value),
                "time": seconds(annotation.lead_time_ms),
                # Changed later (an edit, or a relabel in a later round) by over a minute.
                "changed": (annotation.updated_at - annotation.created_at).total_seconds() > 60,
                "verdict": review.verdict if review else "",
                "verdict_comment": review.comment if review else "",
            }
        )
    return rows


def _final_options(schema: dict[str, Any]) -> list[dict[str, str]]:
    """The final form's labels with their keys: the project's label hotkeys (the ones the
    annotators use), or a rating's own digit, as on the labeling screen."""
    hotkeys = {label["value"]: label.get("hotkey", "") for label in schema.get("labels") or []}
    options = []
    for value in schema_labels(schema):
        key = hotkeys.get(value, "")
        if schema.get("kind") == "rating" and len(value) == 1 and value.isdigit():
            key = value
        options.append({"value": value, "key": key.lower()})
    return options


def _final_choices(project: Any, item: Any) -> dict[str, Any]:
    """What the final-label form offers: schema labels with their hotkeys, or a JSON editor."""
    kind = project.kind
    current = item.final_value or item.aggregate_value
    return {
        "kind": kind,
        "options": _final_options(project.schema) if kind in CLASS_KINDS else [],
        "selected": list(value_labels(current)),
        "value_json": json.dumps(current or {}, sort_keys=True),
    }


@review_page
def review_item_page(request: HttpRequest, project_id: int, item_id: int) -> HttpResponse:
    """One item for review, with J/K links to its neighbours in the (filtered) queue."""
    view = item_review_get(user=request.user, project_id=project_id, item_id=item_id)
    filters = queue.queue_filters_parse(request.GET)
    query = urlencode(filters.as_query())
    neighbours = {
        name: queue.queue_neighbour(
            user=request.user,
            project_id=project_id,
            item_id=item_id,
            forward=forward,
            filters=filters,
        )
        for name, forward in (("next", True), ("previous", False))
    }
    members = membership_list_of_users(
        project_id=project_id, user_ids=[a.annotator_id for a in view.annotations]
    )
    item = view.item
    context = {
        "project": view.project,
        "item": item,
        "text": item.data.get("text", "") if isinstance(item.data, dict) else "",
        "annotations": _annotation_rows(view.annotations),
        "predictions": [{"prediction": p, "value": value_text(p.value)} for p in view.predictions],
        "aggregate": value_text(item.aggregate_value),
        "final": value_text(item.final_value),
        "flags": view.flags,
        "open_flags": [f for f in view.flags if f.status == FlagStatus.OPEN],
        "comments": view.comments,
        "audit": view.audit,
        "own_item": view.own_item,
        "causes": Cause.choices,
        "send_back_to": [(m.user_id, m.user.username) for m in members],
        "neighbours": neighbours,
        "query": query,
        **_final_choices(view.project, item),
        **settle_context(view),
        "undo": undo_offer_take(request, project_id),
    }
    return render(request, "review/item.html", context)
